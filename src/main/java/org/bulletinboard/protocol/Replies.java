package org.bulletinboard.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reply fields of the client services, including the {@code erro} shape every service shares. */
public final class Replies {
    private Replies() {}

    public static Map<String, Object> status(String status) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", status);
        return fields;
    }

    /**
     * An error: {@code status: "erro"} and a {@code description}; publish and message carry the text under
     * {@code message} as the course defines, and get {@code description} beside it so every reply reads alike.
     */
    public static Map<String, Object> error(String service, String description) {
        Map<String, Object> fields = status(Services.ERRO);
        if (Services.PUBLISH.equals(service) || Services.MESSAGE.equals(service)) {
            fields.put("message", description);
        }
        fields.put("description", description);
        return fields;
    }

    /**
     * The words that begin the description of every {@code erro} after which a write may or may not have been
     * applied: its client cannot tell, and sends it again with the same {@code request_id}, which is safe.
     */
    public static final String OUTCOME_UNKNOWN = "the outcome is unknown";

    /** An {@code erro} for a write whose outcome is unknown, saying why, and that a retry with its id is safe. */
    public static Map<String, Object> outcomeUnknown(String service, String why) {
        return error(service, outcomeUnknownDescription(why));
    }

    /** The description of such an {@code erro}. */
    public static String outcomeUnknownDescription(String why) {
        return OUTCOME_UNKNOWN + ": " + why + "; it may still be applied, and retrying it with the same request_id"
                + " is safe";
    }

    /** Whether a reply is an {@code erro} that says its write may or may not have been applied. */
    public static boolean isOutcomeUnknown(Map<String, Object> data) {
        return Services.ERRO.equals(data.get("status")) && errorText(data).startsWith(OUTCOME_UNKNOWN);
    }

    public static boolean isSuccess(Map<String, Object> data) {
        Object status = data.get("status");
        return Services.SUCCESS.equals(status) || Services.OK.equals(status);
    }

    /** The error text of a failed reply, whichever field its sender put it in. */
    public static String errorText(Map<String, Object> data) {
        Object description = data.get("description");
        if (description instanceof String s) {
            return s;
        }
        Object message = data.get("message");
        return message instanceof String s ? s : "request failed (no description given)";
    }
}
