package org.bulletinboard.chaos;

import java.util.Map;
import org.bulletinboard.chaos.check.Outcome;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;

/**
 * What a reply says about its request: done ({@code OK}), certainly not done ({@code FAIL}: a refusal), or unknown
 * ({@code INFO}): an {@code erro} that says the outcome is unknown (a write its peers did not confirm in time, one
 * whose server the broker lost), or a server's internal error, which may come after the write reached its log.
 */
final class ReplyOutcome {
    private static final String INTERNAL_ERROR = "internal server error";

    private ReplyOutcome() {}

    static Outcome of(Map<String, Object> reply) {
        if (!Services.ERRO.equals(reply.get("status"))) {
            return Outcome.OK;
        }
        return Replies.isOutcomeUnknown(reply) || Replies.errorText(reply).startsWith(INTERNAL_ERROR)
                ? Outcome.INFO : Outcome.FAIL;
    }
}
