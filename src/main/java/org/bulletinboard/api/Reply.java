package org.bulletinboard.api;

import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;

/** A decoded reply: success when it carries no error status, with the error text in plain words otherwise. */
public record Reply(String service, Map<String, Object> data) {

    static Reply of(Envelope envelope) {
        return new Reply(envelope.service(), envelope.data());
    }

    static Reply failure(String service, String description) {
        return new Reply(service, Replies.error(service, description));
    }

    /** List replies (users, channels) have no status; anything without {@code status: "erro"} succeeded. */
    public boolean ok() {
        return !Services.ERRO.equals(data.get("status")) && !Services.ERROR.equals(service);
    }

    public String error() {
        return Replies.errorText(data);
    }

    /** The entries of a list of maps (history, inbox), skipping anything that is not a map. */
    public List<Map<?, ?>> maps(String field) {
        return data.get(field) instanceof List<?> list
                ? list.stream().filter(Map.class::isInstance).<Map<?, ?>>map(entry -> (Map<?, ?>) entry).toList()
                : List.of();
    }

    public List<String> strings(String field) {
        return data.get(field) instanceof List<?> list
                ? list.stream().filter(String.class::isInstance).map(String.class::cast).toList()
                : List.of();
    }
}
