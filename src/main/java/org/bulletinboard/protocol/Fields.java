package org.bulletinboard.protocol;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bulletinboard.clock.LamportClock;

/** Reads typed fields out of a request's {@code data} map, with the description of what is wrong if it can't. */
public final class Fields {
    /** User and channel names: they double as pub/sub topics, so they are short and printable. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Text of a post or private message, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 4096;
    /** Entries a history or inbox reply carries by default, and at most. */
    public static final int DEFAULT_HISTORY_LIMIT = 50;
    public static final int MAX_HISTORY_LIMIT = 500;
    /** Upper bound of one frame on the wire; ZeroMQ drops peers that send more. */
    public static final long MAX_FRAME_BYTES = 256 * 1024;

    /**
     * Optional field of a write request: an id the client keeps across retries of the same request, so that a
     * retry is answered without being applied twice. Our additions to the course protocol; others may omit it.
     */
    public static final String REQUEST_ID = "request_id";

    private Fields() {}

    /** An optional name-like field (see {@link #name}): absent or nil gives empty. */
    public static Optional<String> optionalName(Map<String, Object> data, String field) throws ProtocolException {
        return data.get(field) == null ? Optional.empty() : Optional.of(name(data, field));
    }

    public static String name(Map<String, Object> data, String field) throws ProtocolException {
        String value = string(data, field);
        if (value.isEmpty()) {
            throw new ProtocolException("field '" + field + "' must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new ProtocolException("field '" + field + "' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (!value.equals(value.strip())) {
            throw new ProtocolException("field '" + field + "' must not start or end with spaces");
        }
        if (hasControlCharacter(value)) {
            throw new ProtocolException("field '" + field + "' must not contain control characters");
        }
        return value;
    }

    /**
     * Whether {@code value} holds a control character (names, addresses). A loop, not {@code codePoints()}: a stream
     * per name was an eighth of what a write allocated.
     */
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            // every control character is a single char, and no surrogate is one
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    public static String text(Map<String, Object> data, String field) throws ProtocolException {
        String value = string(data, field);
        if (value.isBlank()) {
            throw new ProtocolException("field '" + field + "' must not be empty");
        }
        if (value.length() > MAX_MESSAGE_LENGTH) {
            throw new ProtocolException("field '" + field + "' is longer than " + MAX_MESSAGE_LENGTH + " characters");
        }
        return value;
    }

    public static String string(Map<String, Object> data, String field) throws ProtocolException {
        Object value = data.get(field);
        if (value == null) {
            throw new ProtocolException("missing field '" + field + "'");
        }
        if (!(value instanceof String s)) {
            throw new ProtocolException("field '" + field + "' must be a string, got " + typeName(value));
        }
        return s;
    }

    public static long integer(Map<String, Object> data, String field) throws ProtocolException {
        return optionalInteger(data, field)
                .orElseThrow(() -> new ProtocolException("missing field '" + field + "'"));
    }

    /** An optional whole number; floats with no fraction are accepted, as some encoders send them. */
    public static Optional<Long> optionalInteger(Map<String, Object> data, String field) throws ProtocolException {
        Object value = data.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Long l) {
            return Optional.of(l);
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return Optional.of(d.longValue());
        }
        if (value instanceof BigInteger) {
            throw new ProtocolException("field '" + field + "' is beyond the 64-bit integer range");
        }
        throw new ProtocolException("field '" + field + "' must be an integer, got " + typeName(value));
    }

    /** A Lamport clock read from {@code field}, if it lies in 0..{@link LamportClock#MAX}. */
    public static long checkClock(String field, long value) throws ProtocolException {
        if (value < 0 || value > LamportClock.MAX) {
            throw new ProtocolException("field '" + field + "' must be a Lamport clock between 0 and "
                    + LamportClock.MAX + ", got " + value);
        }
        return value;
    }

    /** The optional {@code limit} of a history read: 1 to {@link #MAX_HISTORY_LIMIT}, by default 50. */
    public static int historyLimit(Map<String, Object> data) throws ProtocolException {
        long limit = optionalInteger(data, "limit").orElse((long) DEFAULT_HISTORY_LIMIT);
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw new ProtocolException("field 'limit' must be between 1 and " + MAX_HISTORY_LIMIT + ", got " + limit);
        }
        return (int) limit;
    }

    public static Map<String, Object> map(Map<String, Object> data, String field) throws ProtocolException {
        Object value = data.get(field);
        return stringKeyed(value).orElseThrow(() ->
                new ProtocolException("field '" + field + "' must be a map with string keys, got " + typeName(value)));
    }

    /** The value as a map, if it is one whose keys are all strings (as every map in our frames must be). */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> stringKeyed(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return Optional.empty();
            }
        }
        return Optional.of((Map<String, Object>) map);
    }

    public static List<?> list(Map<String, Object> data, String field) throws ProtocolException {
        Object value = data.get(field);
        if (!(value instanceof List<?> list)) {
            throw new ProtocolException("field '" + field + "' must be an array, got " + typeName(value));
        }
        return list;
    }

    static String typeName(Object value) {
        if (value == null) {
            return "nil";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return "integer";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof byte[]) {
            return "binary";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof Map) {
            return "map";
        }
        return value.getClass().getSimpleName();
    }
}
