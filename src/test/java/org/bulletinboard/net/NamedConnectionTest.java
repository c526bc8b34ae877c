package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestNames;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class NamedConnectionTest {

    /** A PUB given a list whose name resolves to two proxies, and a third by address: each gets every message. */
    @Test
    void aPublisherReachesEveryProxyItsEndpointsGive() {
        int port = FreePorts.block(2);
        try (ZContext context = new ZContext(); TestNames names = new TestNames()) {
            names.map("proxies", "127.0.0.1", "127.0.0.2");
            List<ZMQ.Socket> proxies = List.of(subscriber(context, "tcp://127.0.0.1:" + port),
                    subscriber(context, "tcp://127.0.0.2:" + port), subscriber(context, "tcp://127.0.0.1:" + (port + 1)));
            ZMQ.Socket publisher = context.createSocket(SocketType.PUB);
            NamedConnection connection = new NamedConnection(publisher,
                    "tcp://proxies:" + port + ", tcp://127.0.0.1:" + (port + 1), "proxies", LoggerFactory.getLogger("test"));
            assertTrue(connection.maintain(), "connected");
            for (ZMQ.Socket proxy : proxies) {
                // PUB drops what it sends before a subscription arrives: send until each one has a message.
                Await.until(Duration.ofSeconds(10), "a message at every proxy", () -> {
                    publisher.send("hello", ZMQ.DONTWAIT);
                    return "hello".equals(proxy.recvStr(ZMQ.DONTWAIT));
                });
            }
            assertEquals(0, connection.moves());
            names.map("proxies", "127.0.0.2"); // one of the two is gone
            Await.until(Duration.ofSeconds(10), "the connection to follow the name", () -> {
                connection.maintain();
                return connection.moves() == 1;
            });
        }
    }

    private static ZMQ.Socket subscriber(ZContext context, String endpoint) {
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        socket.subscribe(new byte[0]);
        socket.bind(endpoint);
        return socket;
    }
}
