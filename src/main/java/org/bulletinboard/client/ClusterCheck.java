package org.bulletinboard.client;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * A one-shot smoke check of a running cluster, as a user would make it: log in, create a channel, subscribe,
 * publish and receive the post through the proxy, send a private message and receive it on the user topic, list
 * users and channels, read the history back, and see a bad request refused. One line per step; passes only if
 * every step does. The chart's {@code helm test} and the Compose and Kubernetes tests run it.
 */
public final class ClusterCheck {
    /**
     * @param delivery how long a publication may take to come back through the proxy (a new subscription takes a
     *                 moment to reach the servers)
     */
    public record Config(String brokerEndpoint, String proxyEndpoint, Duration timeout, int attempts,
                         Duration delivery) {}

    private record Received(String topic, Envelope publication) {}

    private final Config config;
    private final PrintStream out;
    private final String name = "check-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private boolean passed = true;

    private ClusterCheck(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs every step, printing a line for each; returns whether all passed. */
    public static boolean run(Config config, PrintStream out) {
        return new ClusterCheck(config, out).run();
    }

    private boolean run() {
        Stamper stamper = Stamper.systemClock();
        try (ZContext context = new ZContext();
             BoardClient board = new BoardClient(context, config.brokerEndpoint(), stamper, config.timeout(),
                     config.attempts(), () -> false);
             Subscriber subscriber = new Subscriber(context, config.proxyEndpoint(), stamper, name,
                     (topic, publication) -> received.add(new Received(topic, publication)),
                     (topic, problem) -> out.println("  unreadable publication on " + topic + ": " + problem))) {
            subscriber.subscribe(name); // the channel and the user share the name: one topic, two services
            step("login " + name, () -> ok(board.login(name)));
            step("create channel " + name, () -> ok(board.createChannel(name)));
            step("publish to " + name + " and receive it through the proxy " + config.proxyEndpoint(),
                    () -> roundTrip(Services.PUBLISH, () -> board.publish(name, name, "check " + System.nanoTime())));
            step("private message to " + name + " received on the user topic",
                    () -> roundTrip(Services.MESSAGE, () -> board.message(name, name, "check " + System.nanoTime())));
            step("users lists " + name, () -> listed(board, Services.USERS, "users"));
            step("channels lists " + name, () -> listed(board, Services.CHANNELS, "channels"));
            step("history of " + name + " holds the posts", () -> board.history(name, 10).maps("messages").isEmpty()
                    ? "empty" : null);
            step("a bad request is refused with erro", () -> {
                Reply bad = board.call(Services.LOGIN, Map.of("user", List.of("not", "a", "name")));
                return !bad.ok() && bad.error().contains("user") ? null : "answered " + bad.data();
            });
        }
        out.println(passed ? "PASSED: the cluster at " + config.brokerEndpoint() + " works"
                : "FAILED: see the steps above");
        return passed;
    }

    /** One step: the check returns null if it passed, or what went wrong. */
    @FunctionalInterface
    private interface Check {
        String run() throws RequestTimeoutException, InterruptedException;
    }

    @FunctionalInterface
    private interface Write {
        Reply send() throws RequestTimeoutException;
    }

    private void step(String what, Check check) {
        long started = System.nanoTime();
        String problem;
        try {
            problem = check.run();
        } catch (RequestTimeoutException e) {
            problem = "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        out.printf("%-4s %s (%d ms)%s%n", problem == null ? "ok" : "FAIL", what, millis,
                problem == null ? "" : ": " + problem);
        passed &= problem == null;
    }

    /** Whether the name is in a list, following its pages ({@code next}/{@code after}) on a big cluster. */
    private String listed(BoardClient board, String service, String key) throws RequestTimeoutException {
        Map<String, Object> request = Map.of();
        while (true) {
            Reply page = board.call(service, request);
            if (!page.ok()) {
                return "refused: " + page.error();
            }
            if (page.strings(key).contains(name)) {
                return null;
            }
            if (!(page.data().get("next") instanceof String next)) {
                return "not in the " + key + " list";
            }
            request = Map.of("after", next);
        }
    }

    private static String ok(Reply reply) {
        return reply.ok() ? null : "refused: " + reply.error();
    }

    /**
     * Writes until one of its publications comes back (a subscription made a moment ago may not have reached the
     * servers yet, and PUB/SUB drops what comes before it), within the configured delivery time.
     */
    private String roundTrip(String service, Write write) throws RequestTimeoutException, InterruptedException {
        long deadline = System.nanoTime() + config.delivery().toNanos();
        while (System.nanoTime() < deadline) {
            Reply reply = write.send();
            if (!reply.ok()) {
                return "refused: " + reply.error();
            }
            Received got = received.poll(1, TimeUnit.SECONDS);
            while (got != null) {
                if (got.publication().service().equals(service) && name.equals(got.topic())) {
                    return null;
                }
                got = received.poll();
            }
        }
        return "nothing came back through the proxy within " + config.delivery().toMillis() + " ms";
    }
}
