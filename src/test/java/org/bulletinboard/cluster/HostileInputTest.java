package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.api.Reply;
import org.bulletinboard.bench.Barrage;
import org.bulletinboard.bench.HeapUse;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.support.SharedClusterTest;
import org.junit.jupiter.api.Test;

/** Hostile and malformed input against the whole cluster in-process, through the broker's client port. */
class HostileInputTest extends SharedClusterTest {
    /** Frames in the CI barrage; `bbs barrage --embedded --seconds 600 --frames 100000000` is the long soak. */
    private static final long FRAMES = 20_000;
    /** What the old generation may peak at above its level before the barrage (one 2 GiB buffer would show). */
    private static final long OLD_GEN_PEAK_ALLOWANCE = 256L << 20;
    private static final long HEAP_GROWTH_ALLOWANCE = 64L << 20;

    @Test
    void aBarrageOfMalformedFramesIsRefusedFrameByFrameAndTheClusterStaysWhole() throws Exception {
        int deathsBefore = RoleThreads.deaths().size();
        HeapUse.Meter meter = HeapUse.start();
        Barrage.Result result = Barrage.run(new Barrage.Config(cluster.config().clientEndpoint(), 16, FRAMES,
                Duration.ofSeconds(90), 11));
        HeapUse heap = meter.stop();
        System.out.printf("barrage: %d requests in %d ms, %d failures; heap after GC %d -> %d MiB, old generation peak %d MiB%n",
                result.total(), result.elapsed().toMillis(), result.failureCount(), heap.beforeBytes() >> 20,
                heap.afterBytes() >> 20, heap.oldGenPeakBytes() >> 20);

        assertEquals(List.of(), result.failures(), "requests that did not get what they must");
        assertEquals(FRAMES, result.total(), "the whole barrage went out within its time");
        assertEquals(result.sent(), result.asExpected());
        result.sent().forEach((kind, sent) -> assertTrue(sent > 0, "no " + kind + " frame was sent"));
        assertTrue(result.servingAfterwards(), "ordinary requests served after the barrage");
        assertEquals(List.of(), RoleThreads.deaths().subList(deathsBefore, RoleThreads.deaths().size()), "threads died");
        assertTrue(heap.oldGenPeakBytes() < heap.beforeBytes() + OLD_GEN_PEAK_ALLOWANCE,
                "old generation peaked at " + (heap.oldGenPeakBytes() >> 20) + " MiB");
        assertTrue(heap.growthBytes() < HEAP_GROWTH_ALLOWANCE, "heap grew by " + (heap.growthBytes() >> 20) + " MiB");

        assertTrue(cluster.runningServers().stream().allMatch(BoardServer::ready), "every server still ready");
        // Sequential requests go to the least loaded server, the one given a request least recently among equals,
        // so they cycle through every server: all of them answer.
        for (int i = 0; i < 3 * cluster.runningServers().size(); i++) {
            assertTrue(client.users().ok(), "request " + i + " after the barrage");
        }
    }

    @Test
    void historyAndInboxOfLongEntriesComeInPagesThatEachFitAndTogetherHoldEverything() throws Exception {
        String longText = "€".repeat(Fields.MAX_MESSAGE_LENGTH); // 12 KiB of UTF-8 each
        assertTrue(client.login("reader").ok());
        assertTrue(client.createChannel("long-posts").ok());
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String text = i + longText.substring(Integer.toString(i).length());
            assertTrue(client.publish("reader", "long-posts", text).ok());
            assertTrue(client.message("reader", "reader", text).ok());
            posted.add(text);
        }
        assertEquals(posted, readAllPages("history", Map.of("channel", "long-posts")));
        assertEquals(posted, readAllPages("inbox", Map.of("user", "reader")));
    }

    /** Follows {@code next} cursors from the newest page back; returns every entry's text, oldest first. */
    private List<String> readAllPages(String service, Map<String, Object> request) throws Exception {
        List<String> texts = new ArrayList<>();
        Object before = null;
        int pages = 0;
        do {
            Map<String, Object> data = new HashMap<>(request);
            data.put("limit", (long) Fields.MAX_HISTORY_LIMIT);
            if (before != null) {
                data.put("before", before);
            }
            Reply page = client.call(service, data);
            assertTrue(page.ok(), page.error());
            List<String> entries = page.maps("messages").stream().map(m -> (String) m.get("message")).toList();
            assertTrue(!entries.isEmpty(), "page " + pages + " is empty");
            texts.addAll(0, entries);
            before = page.data().get("next");
            if (before != null) {
                assertInstanceOf(String.class, before);
            }
            pages++;
        } while (before != null);
        assertTrue(pages > 2, service + " came in " + pages + " pages; 60 entries of 12 KiB need at least 3");
        return texts;
    }
}
