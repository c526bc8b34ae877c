package org.bulletinboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * A subscriber connected to both proxies of a cluster that runs two (every server publishes to each) shows each
 * publication once.
 */
class SubscriberOfEveryProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    @Test
    void eachPublicationIsShownOnceThoughItComesFromEveryProxy() throws Exception {
        EmbeddedCluster.Config sized = TestCluster.config(data, 3).withFronts(1, 2);
        EmbeddedCluster.Config config = new EmbeddedCluster.Config(sized.bindHost(), sized.connectHost(),
                FreePorts.block(sized.ports()), data, 3, 0, sized.heartbeatInterval(), sized.heartbeatTimeout(),
                sized.ackTimeout(), sized.botInterval(), sized.clocks(), 0, sized.ackRule(), sized.brokerPack(),
                sized.storage(), sized.fronts());
        List<String> shown = new CopyOnWriteArrayList<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config); ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, config.clientEndpoint(), Stamper.systemClock());
             Subscriber subscriber = new Subscriber(context, config.subscriberEndpoints(), Stamper.systemClock(),
                     "test", (topic, publication) -> shown.add(String.valueOf(publication.data().get("message"))),
                     (topic, problem) -> shown.add("unreadable: " + problem))) {
            assertTrue(client.login("ana").ok());
            assertTrue(client.createChannel("both").ok());
            subscriber.subscribe("both");
            // A subscription takes a moment to reach each proxy: publish until a post comes back from both.
            Await.until(WAIT, "posts through both proxies", () -> {
                publish(client, "probe");
                return shown.contains("probe");
            });
            for (int i = 0; i < 20; i++) {
                publish(client, "post " + i);
            }
            publish(client, "last");
            Await.until(WAIT, "the last post", () -> shown.contains("last"));
            Map<String, Long> copies = shown.stream().filter(text -> text.startsWith("post "))
                    .collect(Collectors.groupingBy(text -> text, Collectors.counting()));
            assertEquals(20, copies.size(), "every post shown: " + shown);
            assertEquals(Map.of(), copies.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "posts shown twice");
        }
    }

    private static void publish(BoardClient client, String text) {
        try {
            assertTrue(client.publish("ana", "both", text).ok());
        } catch (RequestTimeoutException e) {
            throw new AssertionError(e);
        }
    }
}
