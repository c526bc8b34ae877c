package org.bulletinboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/** The terminal client's commands and live publications, against a real cluster (no terminal needed). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandInterpreterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private EmbeddedCluster cluster;
    private ZContext context;

    @BeforeAll
    void start(@TempDir Path dataRoot) throws IOException {
        cluster = TestCluster.start(dataRoot, 3);
        context = new ZContext();
    }

    @AfterAll
    void stop() {
        context.close();
        cluster.close();
    }

    @Test
    void commandsAnswerInPlainWordsAndPublicationsArriveLive() throws Exception {
        List<String> screen = new CopyOnWriteArrayList<>();
        Stamper stamper = Stamper.systemClock();
        try (BoardClient board = new BoardClient(context, cluster.config().clientEndpoint(), stamper);
             Subscriber subscriber = new Subscriber(context, cluster.config().subscriberEndpoint(), stamper, "test",
                     (topic, publication) -> screen.add(DisplayLines.publication(publication)),
                     (topic, problem) -> screen.add("unreadable: " + problem))) {
            CommandInterpreter client = new CommandInterpreter(board, subscriber, screen::add);

            client.execute("hello");
            assertTrue(screen.contains("No current channel: /join CHANNEL first, or /help."));
            client.execute("/pub room text");
            assertTrue(screen.contains("Log in first: /login NAME"));
            client.execute("/login ana");
            assertTrue(screen.contains("Logged in as ana."));
            client.execute("/channel room");
            assertTrue(screen.contains("Channel room created."));
            client.execute("/channel room");
            assertTrue(screen.contains("Failed: channel 'room' already exists"), screen.toString());
            client.execute("/channels");
            assertTrue(screen.contains("Channels (1): room"));
            client.execute("/join room");

            Await.until(WAIT, "a post to 'room' to come back live", () -> {
                client.execute("are you there?");
                return screen.stream().anyMatch(line -> line.endsWith("[room] ana: are you there?"));
            });
            Await.until(WAIT, "a private message to ana to come back live", () -> {
                client.execute("/msg ana note to self");
                return screen.stream().anyMatch(line -> line.endsWith("[private] ana: note to self"));
            });
            screen.clear();
            client.execute("/history room");
            assertTrue(screen.stream().anyMatch(line -> line.endsWith("[room] ana: are you there?")), screen.toString());
            client.execute("/history nowhere");
            assertTrue(screen.contains("Failed: channel 'nowhere' does not exist"), screen.toString());
            client.execute("/history room 0");
            assertTrue(screen.contains("Usage: /history CHANNEL [N]  (N from 1 to 500)"), screen.toString());
            client.execute("/inbox");
            assertTrue(screen.stream().anyMatch(line -> line.endsWith("[private] ana: note to self")), screen.toString());

            client.execute("/status");
            String table = String.join("\n", screen);
            assertTrue(table.contains("CLOCK OFFSET") && table.contains("server-1") && table.contains("server-3"), table);

            client.execute("/msg nobody hi");
            assertTrue(screen.contains("Failed: user 'nobody' does not exist"), screen.toString());
            client.execute("/frobnicate");
            assertTrue(screen.contains("Unknown command /frobnicate; /help lists them."));
            client.execute("/msg ana");
            assertTrue(screen.contains("Usage: /msg USER TEXT"));
            assertFalse(client.execute("/quit"));
        }
    }

    @Test
    void comingBackShowsWhatWasSaidMeanwhile() throws Exception {
        Stamper stamper = Stamper.systemClock();
        try (BoardClient board = new BoardClient(context, cluster.config().clientEndpoint(), stamper);
             Subscriber subscriber = new Subscriber(context, cluster.config().subscriberEndpoint(), stamper, "test",
                     (topic, publication) -> { }, (topic, problem) -> { })) {
            assertTrue(board.login("writer").ok());
            assertTrue(board.login("reader").ok());
            assertTrue(board.createChannel("archive").ok());
            for (int i = 1; i <= 12; i++) {
                assertTrue(board.publish("writer", "archive", "post " + i).ok());
            }
            assertTrue(board.message("writer", "reader", "did you see the archive?").ok());

            List<String> screen = new CopyOnWriteArrayList<>();
            CommandInterpreter reader = new CommandInterpreter(board, subscriber, screen::add);
            reader.execute("/login reader");
            assertTrue(screen.get(1).endsWith("[private] writer: did you see the archive?"), screen.toString());
            screen.clear();
            reader.execute("/join archive");
            List<String> shown = screen.stream().filter(line -> line.contains("[archive]")).toList();
            assertEquals(10, shown.size(), "the last ten posts, " + screen);
            assertTrue(shown.get(0).endsWith("writer: post 3") && shown.get(9).endsWith("writer: post 12"), shown.toString());
            assertEquals("Joined archive; plain text now goes there.", screen.get(screen.size() - 1));
        }
    }

    @Test
    void subscriptionsMatchWholeTopicsNotPrefixes() throws Exception {
        List<String> ana = new CopyOnWriteArrayList<>();
        Stamper stamper = Stamper.systemClock();
        try (BoardClient board = new BoardClient(context, cluster.config().clientEndpoint(), stamper);
             Subscriber subscriber = new Subscriber(context, cluster.config().subscriberEndpoint(), stamper, "ana",
                     (topic, publication) -> ana.add(topic + ": " + publication.data().get("message")),
                     (topic, problem) -> ana.add("unreadable")) ) {
            assertTrue(board.login("bo").ok());
            assertTrue(board.login("bob").ok());
            subscriber.subscribe("bo");
            Await.until(WAIT, "bo's subscription to work", () -> {
                send(board, "bob", "for bob only");
                send(board, "bo", "for bo");
                return ana.contains("bo: for bo");
            });
            assertTrue(ana.stream().allMatch(line -> line.equals("bo: for bo")), ana.toString());
        }
    }

    private static void send(BoardClient board, String to, String text) {
        try {
            assertTrue(board.message("bob", to, text).ok());
        } catch (RequestTimeoutException e) {
            throw new AssertionError(e);
        }
    }
}
