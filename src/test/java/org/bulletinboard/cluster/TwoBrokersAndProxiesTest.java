package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * `bbs cluster --brokers 2 --proxies 2` in one process: a publication reaches a subscriber of the second proxy (every
 * server publishes to each), and with the first broker stopped, the same client's writes are answered through the
 * second.
 */
class TwoBrokersAndProxiesTest {
    @TempDir
    Path data;

    @Test
    void publicationsReachEveryProxyAndClientsGoOnToTheOtherBroker() throws Exception {
        EmbeddedCluster.Config defaults = TestCluster.config(data, 3);
        EmbeddedCluster.Config sized = defaults.withFronts(2, 2);
        EmbeddedCluster.Config config = new EmbeddedCluster.Config(sized.bindHost(), sized.connectHost(),
                FreePorts.block(sized.ports()), data, 3, 0, sized.heartbeatInterval(), sized.heartbeatTimeout(),
                sized.ackTimeout(), sized.botInterval(), sized.clocks(), 0, sized.ackRule(), sized.brokerPack(),
                sized.storage(), sized.fronts());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config); ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, config.clientEndpoint(), Stamper.systemClock(),
                     Duration.ofSeconds(5), 3, () -> false)) {
            assertTrue(client.login("ana").ok());
            assertTrue(client.createChannel("general").ok());
            ZMQ.Socket subscriber = context.createSocket(SocketType.SUB);
            subscriber.setReceiveTimeOut(100);
            subscriber.subscribe("general".getBytes(ZMQ.CHARSET));
            subscriber.connect(config.connect(config.proxyPort(1) + 1));
            // A subscription takes a moment to reach the proxy: publish until one comes through.
            Await.until(Duration.ofSeconds(20), "a publication at the second proxy", () -> {
                try {
                    assertTrue(client.publish("ana", "general", "to every proxy").ok());
                } catch (RequestTimeoutException e) {
                    throw new AssertionError(e);
                }
                return subscriber.recv(0) != null;
            });

            cluster.stopBroker(0);
            for (int i = 0; i < 5; i++) {
                assertTrue(client.publish("ana", "general", "through the second broker " + i).ok(),
                        "answered with the first broker stopped");
            }
        }
    }
}
