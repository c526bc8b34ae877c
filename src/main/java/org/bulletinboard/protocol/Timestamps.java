package org.bulletinboard.protocol;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code timestamp} field: emitted as float epoch seconds; read from integer or float epoch seconds or
 * milliseconds, or an ISO-8601 string (without an offset it is taken as UTC). Whatever the form, it must be a
 * finite time from the epoch to the end of year 9999; anything else is refused.
 */
public final class Timestamps {
    /** Numbers above this are milliseconds: as seconds it would be the year 5138. */
    private static final double MILLIS_THRESHOLD = 1.0e11;
    /** 9999-12-31T23:59:59.999Z, the last instant accepted. */
    public static final long MAX_MILLIS = 253_402_300_799_999L;
    /** Longer strings are no date-time; refusing them early keeps the error short. */
    private static final int MAX_ISO_LENGTH = 64;
    /** With a zone (Z), with an offset, and without either (taken as UTC). */
    private static final List<Function<String, Instant>> ISO_FORMS = List.of(
            Instant::parse,
            text -> OffsetDateTime.parse(text).toInstant(),
            text -> LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));

    private Timestamps() {}

    public static double toWire(long epochMillis) {
        return epochMillis / 1000.0;
    }

    public static Optional<Long> read(Map<String, Object> data) throws ProtocolException {
        Object value = data.get("timestamp");
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Long || value instanceof Double || value instanceof BigInteger) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number) || number < 0) {
                throw new ProtocolException("field 'timestamp' must be a non-negative epoch time, got " + value);
            }
            return Optional.of(inRange(number > MILLIS_THRESHOLD ? (long) number : Math.round(number * 1000.0)));
        }
        if (value instanceof String text) {
            if (text.length() > MAX_ISO_LENGTH) {
                throw new ProtocolException("field 'timestamp' is longer than " + MAX_ISO_LENGTH
                        + " characters: not an ISO-8601 date-time");
            }
            return Optional.of(inRange(parseIso(text.strip())));
        }
        throw new ProtocolException("field 'timestamp' must be a number or an ISO-8601 string, got "
                + Fields.typeName(value));
    }

    private static long inRange(long millis) throws ProtocolException {
        if (millis < 0 || millis > MAX_MILLIS) {
            throw new ProtocolException("field 'timestamp' must lie between 1970 and the end of 9999, got "
                    + millis + " ms since the epoch");
        }
        return millis;
    }

    private static long parseIso(String text) throws ProtocolException {
        for (Function<String, Instant> form : ISO_FORMS) {
            try {
                return form.apply(text).toEpochMilli();
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            } catch (ArithmeticException | DateTimeException outOfRange) {
                break; // a date-time, but not one that fits in epoch milliseconds
            }
        }
        throw new ProtocolException("field 'timestamp' is not an ISO-8601 date-time: '" + text + "'");
    }
}
