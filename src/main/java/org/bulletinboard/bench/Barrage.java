package org.bulletinboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Sends a running cluster a barrage of requests, most of them malformed or hostile ({@link HostileFrames}), from
 * several clients at once, and checks what comes back: every valid request answered successfully, every bad one
 * answered with {@code erro} and a description, every frame over the size limit met by a closed connection. At
 * the end the cluster must still serve ordinary requests.
 */
public final class Barrage {
    /** How long a client waits for an answer before it counts the request as unanswered. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final int FAILURES_KEPT = 20;
    /** Posts of 4 000 three-byte characters: the channel's history is several frames long. */
    private static final int LONG_POSTS = 60;

    /**
     * @param frames   requests to send in all (the run also ends after {@code duration})
     * @param seed     the frames are the same for the same seed
     */
    public record Config(String brokerEndpoint, int clients, long frames, Duration duration, long seed) {}

    /** Per kind: how many were sent and how many got what they must. The failures say what went wrong. */
    public record Result(Map<String, Long> sent, Map<String, Long> asExpected,
                         long failureCount, List<String> failures, Duration elapsed, boolean servingAfterwards) {

        public boolean passed() {
            return failureCount == 0 && servingAfterwards && sent.equals(asExpected);
        }

        public long total() {
            return sent.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Config config;
    private final String user;
    private final String channel;
    private final AtomicLong remaining;
    private final AtomicLongArray sent = new AtomicLongArray(HostileFrames.Kind.values().length);
    private final AtomicLongArray asExpected = new AtomicLongArray(HostileFrames.Kind.values().length);
    private final AtomicLong failureCount = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    private Barrage(Config config) {
        this.config = config;
        this.user = "barrage-" + Long.toString(config.seed() & 0xffffff, 36);
        this.channel = "barrage";
        this.remaining = new AtomicLong(config.frames());
    }

    public static Result run(Config config) throws RequestTimeoutException, InterruptedException {
        return new Barrage(config).run();
    }

    private Result run() throws RequestTimeoutException, InterruptedException {
        try (ZContext context = new ZContext()) {
            setUp(context);
            long started = System.nanoTime();
            long deadline = started + config.duration().toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < config.clients(); i++) {
                HostileFrames frames = new HostileFrames(user, channel, config.seed() + i);
                Thread client = new Thread(() -> fire(context, frames, deadline), "barrage-" + i);
                client.start();
                clients.add(client);
            }
            for (Thread client : clients) {
                client.join();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new Result(counts(sent), counts(asExpected), failureCount.get(), List.copyOf(failures), elapsed,
                    stillServing(context));
        }
    }

    /** A user, a channel, and enough long posts that a full history read needs several pages. */
    private void setUp(ZContext context) throws RequestTimeoutException {
        try (BoardClient client = new BoardClient(context, config.brokerEndpoint(), Stamper.systemClock())) {
            require(client.login(user), "login");
            Reply created = client.createChannel(channel);
            if (!created.ok() && !created.error().contains("already exists")) {
                require(created, "channel");
            }
            String longText = "€".repeat(4000);
            for (int i = 0; i < LONG_POSTS; i++) {
                require(client.publish(user, channel, longText), "publish");
            }
        }
    }

    private static void require(Reply reply, String what) {
        if (!reply.ok()) {
            throw new IllegalStateException("barrage set-up: " + what + " refused: " + reply.error());
        }
    }

    private void fire(ZContext context, HostileFrames frames, long deadline) {
        ZMQ.Socket socket = null;
        try {
            while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
                HostileFrames.Probe probe = frames.next();
                sent.incrementAndGet(probe.kind().ordinal());
                if (probe.expect() == HostileFrames.Expect.CLOSED) {
                    check(probe, sendOversized(context, probe.frames().get(0)), "the connection was not closed");
                    continue;
                }
                if (socket == null) {
                    socket = requestSocket(context);
                }
                for (int i = 0; i < probe.frames().size(); i++) {
                    socket.send(probe.frames().get(i), i < probe.frames().size() - 1 ? ZMQ.SNDMORE : 0);
                }
                byte[] reply = socket.recv(0);
                if (reply == null) {
                    fail(probe, "no reply within " + REPLY_TIMEOUT.toMillis() + " ms");
                    context.destroySocket(socket);
                    socket = null;
                    continue;
                }
                judge(probe, reply);
            }
        } finally {
            if (socket != null) {
                context.destroySocket(socket);
            }
        }
    }

    private void judge(HostileFrames.Probe probe, byte[] reply) {
        if (reply.length > Fields.MAX_FRAME_BYTES) {
            fail(probe, "a reply of " + reply.length + " bytes, over the frame limit");
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.decode(reply);
        } catch (ProtocolException e) {
            fail(probe, "an unreadable reply: " + e.getMessage());
            return;
        }
        boolean refused = Services.ERRO.equals(envelope.data().get("status"));
        if (probe.expect() == HostileFrames.Expect.SUCCESS) {
            check(probe, !refused, "refused: " + envelope.data().get("description"));
        } else {
            check(probe, refused && envelope.data().get("description") instanceof String d && !d.isEmpty(),
                    "not refused with a description: " + envelope.data());
        }
    }

    /** Sends a frame over the size limit on a fresh connection; true once the broker has closed that connection. */
    private boolean sendOversized(ZContext context, byte[] frame) {
        ZMQ.Socket socket = requestSocket(context);
        ZMQ.Socket monitor = Sockets.monitor(context, socket, ZMQ.EVENT_DISCONNECTED);
        try {
            monitor.setReceiveTimeOut((int) REPLY_TIMEOUT.toMillis());
            socket.send(frame, 0);
            ZMQ.Event event = ZMQ.Event.recv(monitor);
            return event != null && event.getEvent() == ZMQ.EVENT_DISCONNECTED;
        } finally {
            context.destroySocket(monitor);
            context.destroySocket(socket);
        }
    }

    private ZMQ.Socket requestSocket(ZContext context) {
        ZMQ.Socket socket = context.createSocket(SocketType.REQ);
        socket.setLinger(0);
        socket.setReceiveTimeOut((int) REPLY_TIMEOUT.toMillis());
        socket.connect(config.brokerEndpoint());
        return socket;
    }

    private void check(HostileFrames.Probe probe, boolean ok, String otherwise) {
        if (ok) {
            asExpected.incrementAndGet(probe.kind().ordinal());
        } else {
            fail(probe, otherwise);
        }
    }

    private void fail(HostileFrames.Probe probe, String what) {
        failureCount.incrementAndGet();
        if (failures.size() < FAILURES_KEPT) {
            failures.add(probe.kind() + " (expected " + probe.expect() + "): " + what);
        }
    }

    /** After the barrage: ordinary requests still get ordinary answers. */
    private boolean stillServing(ZContext context) {
        try (BoardClient client = new BoardClient(context, config.brokerEndpoint(), Stamper.systemClock())) {
            return client.login(user).ok() && client.publish(user, channel, "still here").ok()
                    && client.history(channel, 1).maps("messages").stream().anyMatch(m -> "still here".equals(m.get("message")));
        } catch (RequestTimeoutException e) {
            return false;
        }
    }

    /** By kind name, in the kinds' order. */
    private static Map<String, Long> counts(AtomicLongArray array) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (HostileFrames.Kind kind : HostileFrames.Kind.values()) {
            counts.put(kind.name(), array.get(kind.ordinal()));
        }
        return counts;
    }
}
