package org.bulletinboard.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.bulletinboard.clock.LamportClock;

/**
 * Builds outgoing envelopes stamped with {@code timestamp} and a fresh Lamport {@code clock}, and merges the
 * {@code clock} of incoming ones, so every role follows the same clock rules.
 */
public final class Stamper {
    private final LamportClock lamport;
    private final LongSupplier wallMillis;

    public Stamper(LamportClock lamport, LongSupplier wallMillis) {
        this.lamport = lamport;
        this.wallMillis = wallMillis;
    }

    public static Stamper systemClock() {
        return new Stamper(new LamportClock(), System::currentTimeMillis);
    }

    public Envelope envelope(String service, Map<String, Object> fields) {
        Map<String, Object> data = new LinkedHashMap<>(fields);
        data.put("timestamp", Timestamps.toWire(wallMillis.getAsLong()));
        data.put("clock", lamport.tick());
        return new Envelope(service, data);
    }

    /**
     * Checks the sender's stamps and merges its Lamport clock; a peer that sends neither is still served. A clock
     * outside 0..{@link LamportClock#MAX} or a timestamp that is not a sane time is refused, so a hostile or broken
     * peer can neither overflow our counter nor leave nonsense times behind.
     */
    public void observe(Envelope received) throws ProtocolException {
        Timestamps.read(received.data());
        Optional<Long> clock = Fields.optionalInteger(received.data(), "clock");
        if (clock.isPresent()) {
            lamport.onReceive(Fields.checkClock("clock", clock.get()));
        }
    }

    public LamportClock lamport() {
        return lamport;
    }

    public long nowMillis() {
        return wallMillis.getAsLong();
    }
}
