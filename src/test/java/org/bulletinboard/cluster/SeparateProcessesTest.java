package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.RoleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * The README's recipe for running the roles as separate processes on one machine, with the settings a user gets
 * without asking (no health port given): every role keeps running, and the cluster serves. Only the addresses
 * differ from the recipe's: loopback and free ports, as tests must.
 */
class SeparateProcessesTest {
    private static final Path LOGS = Path.of("target", "separate-processes-test");

    @TempDir
    Path data;

    @Test
    void theReadmesRecipeRunsEveryRoleOnOneHost() throws Exception {
        FileTree.delete(LOGS);
        int base = FreePorts.block(8);
        List<RoleProcess> roles = new ArrayList<>();
        try {
            roles.add(RoleProcess.startAsDocumented("reference", LOGS, "reference", "--bind", local(base + 4)));
            roles.add(RoleProcess.startAsDocumented("broker", LOGS, "broker", "--clients", local(base),
                    "--servers", local(base + 1)));
            roles.add(RoleProcess.startAsDocumented("proxy", LOGS, "proxy", "--publishers", local(base + 2),
                    "--subscribers", local(base + 3)));
            String peers = "server-1=" + local(base + 5) + ",server-2=" + local(base + 6) + ",server-3=" + local(base + 7);
            for (int i = 1; i <= 3; i++) {
                int peerPort = base + 4 + i;
                roles.add(RoleProcess.startAsDocumented("server-" + i, LOGS, "server", "--name", "server-" + i,
                        "--data", data.resolve("server-" + i).toString(), "--peers", peers,
                        "--peer-port", String.valueOf(peerPort), "--peer-bind", local(peerPort),
                        "--peer-address", local(peerPort), "--broker", local(base + 1), "--proxy", local(base + 2),
                        "--proxy-subscribers", local(base + 3), "--reference", local(base + 4)));
            }
            try (ZContext context = new ZContext();
                 BoardClient client = new BoardClient(context, local(base), Stamper.systemClock(),
                         Duration.ofSeconds(2), 30, () -> false)) {
                assertTrue(client.login("ana").ok(), "the cluster answers");
                assertTrue(client.createChannel("lobby").ok());
                assertTrue(client.publish("ana", "lobby", "hello").ok());
                assertEquals(1, client.history("lobby", 10).maps("messages").size());
            }
            for (RoleProcess role : roles) {
                assertTrue(role.isAlive(), role.log() + ": stopped, last lines in its log");
            }
        } finally {
            for (RoleProcess role : roles) {
                role.close();
            }
        }
    }

    private static String local(int port) {
        return "tcp://127.0.0.1:" + port;
    }
}
