package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.Http;
import org.bulletinboard.support.RoleProcess;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * Two server processes on one data directory, as after a forced pod deletion: the replacement waits, not ready
 * and saying why, until the old process lets go; the old one stops cleanly on SIGTERM with exit code 0; the new
 * one then holds every write the old one acknowledged, the ones made while it waited included.
 */
class DataDirectoryProcessTest {
    private static final Path LOGS = Path.of("target", "data-directory-test");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aSecondServerOnTheSameDirectoryWaitsUntilTheFirstStopsThenServesEverything(@TempDir Path dataRoot)
            throws Exception {
        FileTree.delete(LOGS);
        EmbeddedCluster.Config config = TestCluster.config(dataRoot, 0); // reference, broker and proxy only
        int ports = FreePorts.block(4);
        Path data = dataRoot.resolve("server-1");
        List<RoleProcess> servers = new ArrayList<>();
        try (EmbeddedCluster infrastructure = EmbeddedCluster.start(config);
             ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, config.clientEndpoint(), Stamper.systemClock(),
                     Duration.ofSeconds(2), 5, () -> false)) {
            RoleProcess first = server("first", config, data, ports, ports + 2);
            servers.add(first);
            Await.until(WAIT, "the first server ready", () -> Http.get(ports + 2, "/readyz").status() == 200);
            assertTrue(client.login("writer").ok());
            assertTrue(client.createChannel("lock").ok());
            List<String> acknowledged = new ArrayList<>();
            publish(client, acknowledged, 0, 20);

            RoleProcess second = server("second", config, data, ports + 1, ports + 3);
            servers.add(second);
            Await.until(WAIT, "the second server to say it waits for the lock", () ->
                    Http.get(ports + 3, "/readyz").body().contains("waiting for the lock on " + data));
            assertEquals(503, Http.get(ports + 3, "/readyz").status());
            assertEquals(200, Http.get(ports + 3, "/healthz").status(), "waiting is not a failure");
            publish(client, acknowledged, 20, 40); // the first still serves alone

            assertTrue(first.terminate(), "the first server stops within 20 s of SIGTERM");
            assertEquals(0, first.exitValue(), "a clean stop exits 0");
            assertTrue(first.logLinesWith("left the reference server's live list") > 0);
            Await.until(WAIT, "the second server ready", () -> Http.get(ports + 3, "/readyz").status() == 200);
            assertTrue(second.logLinesWith("another process has this data directory") > 0);

            Reply history = client.history("lock", 500);
            assertTrue(history.ok(), history.error());
            Set<String> held = history.maps("messages").stream().map(m -> (String) m.get("message"))
                    .collect(Collectors.toSet());
            assertEquals(Set.copyOf(acknowledged), held, "every acknowledged post, once, on the new process");
            assertEquals(acknowledged.size(), history.maps("messages").size());
        } finally {
            for (RoleProcess server : servers) {
                server.close();
            }
        }
    }

    private static RoleProcess server(String name, EmbeddedCluster.Config config, Path data, int peerPort, int httpPort)
            throws Exception {
        String peer = "tcp://127.0.0.1:" + peerPort;
        int base = config.basePort();
        return RoleProcess.start(name, LOGS, "server", "--name", "server-1", "--data", data.toString(),
                "--broker", "tcp://127.0.0.1:" + (base + 1), "--proxy", "tcp://127.0.0.1:" + (base + 2),
                "--proxy-subscribers", "tcp://127.0.0.1:" + (base + 3), "--reference", "tcp://127.0.0.1:" + (base + 4),
                "--peer-port", String.valueOf(peerPort), "--peer-bind", peer, "--peer-address", peer,
                "--heartbeat-ms", "200", "--http-port", String.valueOf(httpPort));
    }

    private static void publish(BoardClient client, List<String> acknowledged, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String text = "post " + i;
            Reply reply = client.publish("writer", "lock", text);
            assertTrue(reply.ok(), reply.error());
            acknowledged.add(text);
        }
    }
}
