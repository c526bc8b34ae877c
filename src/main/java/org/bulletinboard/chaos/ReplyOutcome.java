package org.bulletinboard.chaos;

import java.util.List;
import java.util.Map;
import org.bulletinboard.chaos.check.Outcome;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;

/**
 * What a reply says about its request: done ({@code OK}), certainly not done ({@code FAIL}: a refusal), or unknown
 * ({@code INFO}): an {@code erro} that says the request may have been applied, as the broker's answer for a request
 * whose server was lost, or a server's internal error, which may come after the write reached its log.
 */
final class ReplyOutcome {
    private static final List<String> UNKNOWN = List.of("may have applied", "were lost while serving",
            "internal server error");

    private ReplyOutcome() {}

    static Outcome of(Map<String, Object> reply) {
        if (!Services.ERRO.equals(reply.get("status"))) {
            return Outcome.OK;
        }
        String description = Replies.errorText(reply);
        return UNKNOWN.stream().anyMatch(description::contains) ? Outcome.INFO : Outcome.FAIL;
    }
}
