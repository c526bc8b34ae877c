package org.bulletinboard.chaos.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * The drill's load against a cluster that runs elsewhere (in Kubernetes, run in a pod, so it reaches every broker and
 * proxy pod as clients there do): whoever deletes pods says when, by lines on standard input. Each line {@code mark
 * LABEL} closes a window and prints, for it, the longest a writer went without an answer and the subscriber without a
 * publication; a line {@code stop}, or the end of input, stops the load and prints what was acknowledged and what
 * failed.
 */
public final class MarkedDrill {
    private static final String CHANNEL = "drill-marked";

    private MarkedDrill() {}

    /** Returns whether no request failed. */
    public static boolean run(String brokers, String proxies, int writers, Duration pace, BufferedReader marks,
                              PrintStream out) throws IOException, InterruptedException {
        try (ZContext context = new ZContext()) {
            try (BoardClient setup = new BoardClient(context, brokers, Stamper.systemClock(), Duration.ofSeconds(2), 30,
                    () -> false)) {
                setup.createChannel(CHANNEL); // already there from an earlier run is as good
            } catch (RequestTimeoutException e) {
                throw new IllegalStateException("the cluster did not answer: " + e.getMessage(), e);
            }
            DrillLoad load = new DrillLoad(context, brokers, proxies, CHANNEL, writers, pace);
            try {
                out.printf("load running: %d writers on %s, a subscriber on %s%n", writers, brokers, proxies);
                out.flush();
                long from = System.nanoTime();
                String line;
                while ((line = marks.readLine()) != null && !line.equals("stop")) {
                    if (!line.startsWith("mark")) {
                        continue;
                    }
                    long to = System.nanoTime();
                    out.printf("window %s: clients went at most %d ms without an answer, subscribers %d ms without a"
                                    + " publication%n", line.substring(4).trim(),
                            Gaps.longestMillis(load.answerTimes(), from, to),
                            Gaps.longestMillis(List.of(load.publicationTimes()), from, to));
                    out.flush();
                    from = to;
                }
            } finally {
                load.close();
            }
            out.printf("load stopped: %d writes acknowledged, %d failed%n", load.acknowledged().size(),
                    load.failures().size());
            load.failures().stream().limit(5).forEach(failure -> out.println("  failed: " + failure));
            return load.failures().isEmpty();
        }
    }
}
