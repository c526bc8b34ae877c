package org.bulletinboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Subscribers for a bench run, each on its own thread and SUB socket, subscribed to every topic of the run. A
 * bench post or message body starts with the time it was due to be sent ({@code t=<nanoTime> }), so each publication received
 * gives the publish-to-receive lag; only those sent inside the measured window count.
 */
final class PublicationProbe implements AutoCloseable {
    private static final String TIME_PREFIX = "t=";

    /**
     * Publications expected and received in the window (over all subscribers), their lag in microseconds, and their
     * payload's size on average as sent, and as it would be without the top-level copies of the data fields.
     */
    record Delivery(long expected, long received, Histogram lagMicros, double payloadBytes, double nestedOnlyBytes) {
        double rate() {
            return expected == 0 ? 0 : (double) received / expected;
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<Histogram> lags = new ArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong payloadBytes = new AtomicLong();
    private final AtomicLong nestedOnlyBytes = new AtomicLong();
    private volatile boolean running = true;

    private PublicationProbe() {}

    static PublicationProbe start(ZContext context, String proxyEndpoint, int subscribers, List<String> topics,
                                  LoadBenchmark.Window window) {
        PublicationProbe probe = new PublicationProbe();
        for (int i = 0; i < subscribers; i++) {
            Histogram lag = new Histogram(3);
            probe.lags.add(lag);
            probe.threads.add(RoleThreads.start("bench", "subscriber-" + i, "subscriber",
                    () -> probe.listen(context, proxyEndpoint, topics, window, lag)));
        }
        return probe;
    }

    /** A body of {@code bytes} characters (at least the time stamp) that carries its send time. */
    static String body(long sentNanos, int bytes) {
        StringBuilder body = new StringBuilder(Math.max(bytes, 24)).append(TIME_PREFIX).append(sentNanos).append(' ');
        while (body.length() < bytes) {
            body.append('x');
        }
        return body.toString();
    }

    private void listen(ZContext context, String proxyEndpoint, List<String> topics, LoadBenchmark.Window window,
                        Histogram lag) {
        Histogram warmupLag = new Histogram(3);
        ZMQ.Socket socket = Sockets.create(context, SocketType.SUB);
        try {
            topics.forEach(topic -> socket.subscribe(topic.getBytes(ZMQ.CHARSET)));
            socket.setReceiveTimeOut(Sockets.POLL_MILLIS);
            socket.connect(proxyEndpoint);
            while (running) {
                ZMsg message = ZMsg.recvMsg(socket, 0);
                long now = System.nanoTime();
                if (message == null || message.size() < 2) {
                    continue;
                }
                byte[] payload = message.getLast().getData();
                Envelope publication = decodeOrNull(payload);
                long sent = publication == null ? Long.MIN_VALUE : sentNanos(publication);
                if (sent == Long.MIN_VALUE) {
                    continue;
                }
                // The warm-up does all the window does, into a histogram thrown away: a path taken only from the
                // window's start on would be compiled then, on the clock.
                boolean counted = window.contains(sent);
                Histogram into = counted ? lag : warmupLag;
                long nestedOnly = publication.encode().length; // the shape before the top-level copies
                synchronized (into) {
                    into.recordValue(Math.max(1, (now - sent) / 1_000));
                }
                if (counted) {
                    received.incrementAndGet();
                    payloadBytes.addAndGet(payload.length);
                    nestedOnlyBytes.addAndGet(nestedOnly);
                }
            }
        } finally {
            socket.close();
        }
    }

    private static Envelope decodeOrNull(byte[] payload) {
        try {
            return Envelope.decode(payload);
        } catch (ProtocolException e) {
            return null; // not one of ours
        }
    }

    private static long sentNanos(Envelope publication) {
        if (publication.data().get("message") instanceof String text && text.startsWith(TIME_PREFIX)) {
            int end = text.indexOf(' ');
            try {
                return Long.parseLong(text.substring(TIME_PREFIX.length(), end < 0 ? text.length() : end));
            } catch (NumberFormatException e) {
                return Long.MIN_VALUE; // not one of ours
            }
        }
        return Long.MIN_VALUE;
    }

    /** Waits (bounded) for the publications still on their way, then stops listening and sums up. */
    Delivery drain(long expected, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling a count with a deadline
        }
        close();
        Histogram lag = new Histogram(3);
        for (Histogram each : lags) {
            synchronized (each) {
                lag.add(each);
            }
        }
        long count = Math.max(1, received.get());
        return new Delivery(expected, received.get(), lag, (double) payloadBytes.get() / count,
                (double) nestedOnlyBytes.get() / count);
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(RoleThreads::join);
    }
}
