package org.bulletinboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.MsgPackCodec;
import org.junit.jupiter.api.Test;

class ReplyPagesTest {

    @Test
    void namesComeInPagesThatFitAndTogetherHoldEveryNameOnce() {
        List<String> names = IntStream.range(0, 20_000).mapToObj(i -> String.format("%05d-", i) + "n".repeat(58)).toList();
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            ReplyPages.Page<String> page = ReplyPages.names(names, after, ReplyPages.LIST_BYTES);
            assertTrue(MsgPackCodec.encode(Map.of("users", page.entries())).length <= ReplyPages.LIST_BYTES);
            seen.addAll(page.entries());
            after = page.next();
            pages++;
        } while (after != null);
        assertEquals(names, seen);
        assertTrue(pages > 3, pages + " pages");
        assertNull(ReplyPages.names(List.of("a", "b"), null, ReplyPages.LIST_BYTES).next(), "one page: no cursor");
        assertEquals(List.of("b"), ReplyPages.names(List.of("a", "b"), "a", 1000).entries(), "after a name");
        assertEquals(List.of("b"), ReplyPages.names(List.of("a", "b"), "aa", 1000).entries(), "after a gone name");
    }

    @Test
    void aPageNeverExceedsAFrameWhateverTheText() {
        // The worst case per character: 3 UTF-8 bytes for one UTF-16 unit.
        List<String> names = IntStream.range(0, 5000).mapToObj(i -> String.format("%04d", i) + "€".repeat(60)).toList();
        ReplyPages.Page<String> page = ReplyPages.names(names, null, ReplyPages.LIST_BYTES);
        assertNotNull(page.next());
        assertTrue(MsgPackCodec.encode(Map.of("users", page.entries())).length < Fields.MAX_FRAME_BYTES);
    }
}
