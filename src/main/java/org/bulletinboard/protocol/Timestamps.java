package org.bulletinboard.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code timestamp} field: emitted as float epoch seconds; read from integer or float epoch seconds or
 * milliseconds, or an ISO-8601 string (without an offset it is taken as UTC).
 */
public final class Timestamps {
    /** Numbers above this are milliseconds: as seconds it would be the year 5138. */
    private static final double MILLIS_THRESHOLD = 1.0e11;

    private Timestamps() {}

    public static double toWire(long epochMillis) {
        return epochMillis / 1000.0;
    }

    public static Optional<Long> read(Map<String, Object> data) throws ProtocolException {
        Object value = data.get("timestamp");
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Long || value instanceof Double) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number) || number < 0) {
                throw new ProtocolException("field 'timestamp' must be a non-negative epoch time, got " + value);
            }
            return Optional.of(number > MILLIS_THRESHOLD ? (long) number : Math.round(number * 1000.0));
        }
        if (value instanceof String text) {
            return Optional.of(parseIso(text.strip()));
        }
        throw new ProtocolException("field 'timestamp' must be a number or an ISO-8601 string, got "
                + Fields.typeName(value));
    }

    private static long parseIso(String text) throws ProtocolException {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new ProtocolException("field 'timestamp' is not an ISO-8601 date-time: '" + text + "'");
                }
            }
        }
    }
}
