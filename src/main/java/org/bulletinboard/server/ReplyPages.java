package org.bulletinboard.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.server.store.Event;

/**
 * Cuts list replies (users, channels, history, inbox) to what fits in one frame, so that no reply is ever too
 * large for the broker to carry. A cut reply says where the next page starts ({@code next}); the request that
 * sends it back ({@code after} for names, {@code before} for history) gets the following page. Sizes are upper
 * bounds of the MessagePack encoding, so a page always fits.
 */
final class ReplyPages {
    /** What the entries of one reply may take: a frame, less room for the envelope and the other fields. */
    static final long LIST_BYTES = Fields.MAX_FRAME_BYTES - 16 * 1024;
    /** Field names, numbers and map headers of one history entry, at most. */
    private static final long ENTRY_OVERHEAD = 96;

    /** One page: the entries, and the cursor of the page after it (null if this is the last). */
    record Page<T>(List<T> entries, String next) {}

    private ReplyPages() {}

    /**
     * The names after {@code after} (null: from the first) in their sorted order, as many as fit in
     * {@code budget} bytes; {@code next} is the last one given when more follow.
     */
    static Page<String> names(List<String> sorted, String after, long budget) {
        int from = 0;
        if (after != null) {
            int at = Collections.binarySearch(sorted, after);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        List<String> page = new ArrayList<>();
        long bytes = 0;
        for (int i = from; i < sorted.size(); i++) {
            bytes += size(sorted.get(i));
            if (bytes > budget) {
                return new Page<>(page, page.isEmpty() ? null : page.get(page.size() - 1));
            }
            page.add(sorted.get(i));
        }
        return new Page<>(page, null);
    }

    /**
     * Up to {@code limit} of the newest {@code events} (oldest first; the caller reads one more than the limit, to
     * know whether older ones exist) that fit in {@link #LIST_BYTES}, as reply entries, oldest first. If older
     * events exist, or some did not fit, {@code next} is the cursor of the oldest entry given.
     */
    static Page<Map<String, Object>> history(List<Event> events, int limit,
                                             Function<Event, Map<String, Object>> entry) {
        List<Map<String, Object>> page = new ArrayList<>();
        long bytes = 0;
        int oldest = Math.max(0, events.size() - limit);
        int i = events.size() - 1;
        for (; i >= oldest; i--) {
            bytes += size(events.get(i));
            if (bytes > LIST_BYTES) {
                break;
            }
            page.add(entry.apply(events.get(i)));
        }
        Collections.reverse(page);
        boolean more = i >= 0; // something older, or something that did not fit
        return new Page<>(page, more && !page.isEmpty() ? events.get(i + 1).cursor() : null);
    }

    /** An upper bound of a string's encoded size: a header and at most 3 UTF-8 bytes per UTF-16 unit. */
    static long size(String text) {
        return text == null ? 0 : 5 + 3L * text.length();
    }

    private static long size(Event event) {
        // A private message's entry carries its sender twice, as src and as user.
        return ENTRY_OVERHEAD + size(event.user()) + size(event.channel()) + 2 * size(event.src())
                + size(event.dst()) + size(event.message());
    }
}
