package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulletinboard.api.Reply;
import org.bulletinboard.client.ClusterCheck;
import org.bulletinboard.client.StatusTable;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.Http;
import org.bulletinboard.support.SharedClusterTest;
import org.junit.jupiter.api.Test;

/** What an operator uses on the in-process cluster: health endpoints, metrics, bbs check, and bbs status. */
class OperationsTest extends SharedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** One sample line of the Prometheus text format: a name, optional labels, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");

    @Override
    protected EmbeddedCluster.Config config(Path dataRoot) {
        return super.config(dataRoot).withHttp(FreePorts.block(EmbeddedCluster.Config.httpPortCount(3, 0)));
    }

    @Test
    void everyRoleIsLiveAndReadyAndItsMetricsParseAndMove() throws Exception {
        for (String node : List.of("reference", "broker", "proxy", "server-1", "server-2", "server-3")) {
            int port = cluster.httpPort(node);
            assertEquals(new Http.Response(200, "ok\n"), Http.get(port, "/healthz"), node);
            Await.until(WAIT, node + " ready", () -> Http.get(port, "/readyz").status() == 200);
            assertFalse(metrics(port).isEmpty(), node + " has metrics");
        }
        assertTrue(client.login("metered").ok());
        assertTrue(client.createChannel("metered").ok());
        double before = sum(metrics(cluster.httpPort("server-1")), metrics(cluster.httpPort("server-2")),
                metrics(cluster.httpPort("server-3")), "bbs_requests_total", "outcome=\"ok\",role=\"server\",service=\"publish\"");
        double forwardedBefore = value(metrics(cluster.httpPort("broker")), "bbs_broker_forwarded_total", "");
        double timedBefore = value(metrics(cluster.httpPort("broker")), "bbs_broker_request_seconds_count", "");
        for (int i = 0; i < 10; i++) {
            assertTrue(client.publish("metered", "metered", "post " + i).ok());
        }
        Map<String, Double> server1 = metrics(cluster.httpPort("server-1"));
        assertEquals(before + 10, sum(server1, metrics(cluster.httpPort("server-2")), metrics(cluster.httpPort("server-3")),
                "bbs_requests_total", "outcome=\"ok\",role=\"server\",service=\"publish\""), "the publishes were counted");
        Map<String, Double> broker = metrics(cluster.httpPort("broker"));
        assertTrue(value(broker, "bbs_broker_forwarded_total", "") >= forwardedBefore + 10);
        assertTrue(value(broker, "bbs_broker_request_seconds_count", "") >= timedBefore + 10, "every reply timed");
        assertTrue(value(broker, "bbs_broker_request_seconds_sum", "") > 0, "and the time is there");
        assertTrue(value(server1, "bbs_store_events", "") >= 12, "events on disk");
        assertTrue(value(server1, "bbs_store_fsyncs_total", "") > 0, "fsyncs");
        assertTrue(value(server1, "bbs_store_log_bytes", "") > 0, "the log's segments on disk");
        assertTrue(value(server1, "bbs_store_fsync_seconds_count", "") > 0, "fsyncs timed");
        assertTrue(value(server1, "bbs_store_fsync_seconds_sum", "") > 0, "and the time is there");
        assertEquals(2.0, value(server1, "bbs_peers_live", ""), "live peers");
        assertTrue(value(server1, "bbs_request_seconds_count", "service=\"publish\"") >= 0, "a latency histogram");
        assertTrue(value(metrics(cluster.httpPort("proxy")), "bbs_proxy_forwarded_total", "direction=\"subscriptions\"") >= 0);
    }

    @Test
    void bbsCheckPassesAgainstTheClusterAndFailsClearlyAgainstABrokenOne() {
        Duration timeout = Duration.ofMillis(800);
        String broker = cluster.config().clientEndpoint();
        String proxy = cluster.config().subscriberEndpoint();
        String passed = check(new ClusterCheck.Config(broker, proxy, timeout, 2, Duration.ofSeconds(10)), true);
        assertEquals(8, passed.lines().filter(line -> line.startsWith("ok ")).count(), passed);

        String noProxy = check(new ClusterCheck.Config(broker, "tcp://127.0.0.1:" + FreePorts.block(1), timeout, 1,
                Duration.ofSeconds(1)), false);
        assertTrue(noProxy.contains("FAIL publish") && noProxy.contains("nothing came back through the proxy"), noProxy);
        assertTrue(noProxy.contains("ok   login"), "the steps that need no proxy still pass: " + noProxy);

        String wrongPort = check(new ClusterCheck.Config("tcp://127.0.0.1:" + FreePorts.block(1), proxy,
                Duration.ofMillis(250), 1, Duration.ofSeconds(1)), false);
        assertTrue(wrongPort.contains("FAIL login") && wrongPort.contains("no answer"), wrongPort);
    }

    @Test
    void statusShowsEqualDigestsOnceTheServersHoldTheSameEvents() throws Exception {
        assertTrue(client.login("digest").ok());
        Await.until(WAIT, "every server to hold the same events", () -> {
            try {
                List<Map<?, ?>> rows = client.call(Services.STATUS, Map.of()).maps("servers");
                return rows.size() == 3 && rows.stream().map(r -> r.get("digest")).distinct().count() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        Reply status = client.call(Services.STATUS, Map.of());
        String table = StatusTable.render(status);
        assertTrue(table.contains("DIGEST") && table.contains("Every server holds the same events."), table);
        String digest = (String) status.maps("servers").get(0).get("digest");
        assertEquals(8, digest.length(), digest);
    }

    private static String check(ClusterCheck.Config config, boolean expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean result = ClusterCheck.run(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expected, result, printed);
        return printed;
    }

    /** Parses the Prometheus text format strictly: every line a comment or a sample. Keyed "name{labels}". */
    private static Map<String, Double> metrics(int port) {
        Http.Response response = Http.get(port, "/metrics");
        assertEquals(200, response.status());
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.startsWith("# EOF")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                fail("not a Prometheus sample line: " + line);
            }
            samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), Double.parseDouble(sample.group(3)));
        }
        return samples;
    }

    /** The sum over every series of {@code name} whose labels (in the format's alphabetical order) contain {@code labels}. */
    private static double value(Map<String, Double> samples, String name, String labels) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") && e.getKey().contains(labels))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @SafeVarargs
    private static double sum(Object... parts) {
        String name = (String) parts[parts.length - 2];
        String labels = (String) parts[parts.length - 1];
        double total = 0;
        for (int i = 0; i < parts.length - 2; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Double> samples = (Map<String, Double>) parts[i];
            total += value(samples, name, labels);
        }
        return total;
    }
}
