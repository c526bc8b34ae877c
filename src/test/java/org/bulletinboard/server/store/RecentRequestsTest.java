package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentRequestsTest {

    @Test
    void keepsTheLatestRequestsAndDropsTheOldestFirst() {
        RecentRequests requests = new RecentRequests(3);
        for (int i = 1; i <= 4; i++) {
            requests.put("r" + i, new RecentRequests.Entry(i * 100, null));
        }
        assertFalse(requests.contains("r1"), "the oldest is dropped once a fourth comes");
        assertTrue(requests.contains("r2") && requests.contains("r3") && requests.contains("r4"));
        assertEquals(200, requests.oldestPosition(-1));
        assertEquals(-1, new RecentRequests(3).oldestPosition(-1));
    }

    @Test
    void anEarlierWinnerReplacesTheEntryButKeepsItsAgeAndPosition() {
        RecentRequests requests = new RecentRequests(2);
        Event later = Event.post("ann", "general", "hi").stamped("s2.abc", 7, 40, 1);
        Event earlier = Event.privateMessage("ann", "bob", "hi").stamped("s1.abc", 3, 20, 1);
        requests.put("a", new RecentRequests.Entry(10, later));
        requests.put("b", new RecentRequests.Entry(20, null));
        requests.put("a", new RecentRequests.Entry(30, earlier));

        RecentRequests.Entry a = requests.get("a");
        assertEquals(10, a.logPosition());
        assertEquals(0, Event.HISTORY_ORDER.compare(earlier, a.winner()), "orders like the winner");
        assertEquals(Event.MESSAGE, a.winner().type());
        assertEquals("bob", a.winner().dst());
        assertNull(requests.get("b").winner(), "a login or channel has no winner");

        requests.put("c", new RecentRequests.Entry(40, null));
        assertFalse(requests.contains("a"), "a replaced entry is still the oldest");
        assertNull(requests.get("a"));
    }

    @Test
    void idsWithTheSameHashAreToldApartByTheirCharacters() {
        RecentRequests requests = new RecentRequests(10);
        assertEquals("AaAa".hashCode(), "BBBB".hashCode());
        assertEquals("AaAa".hashCode(), "AaBB".hashCode());
        requests.put("AaAa", new RecentRequests.Entry(1, null));
        requests.put("BBBB", new RecentRequests.Entry(2, null));
        assertEquals(1, requests.get("AaAa").logPosition());
        assertEquals(2, requests.get("BBBB").logPosition());
        assertFalse(requests.contains("AaBB"), "same hash and length, other characters");
    }

    /** Random puts against a LinkedHashMap, through growth, wrap-around and removals from the index. */
    @Test
    void agreesWithAMapUnderManyPuts() {
        // Above the first allocation, so the ring grows twice before it wraps; the ids, up to 64 characters and some
        // beyond Latin-1, outgrow the first text array and wrap around in it many times.
        int capacity = 3000;
        RecentRequests requests = new RecentRequests(capacity, 1000);
        Map<String, Long> model = new LinkedHashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 40_000; i++) {
            String id = idOf(random.nextInt(6000));
            long position = i;
            if (!model.containsKey(id)) {
                model.put(id, position);
                if (model.size() > capacity) {
                    model.remove(model.keySet().iterator().next());
                }
            }
            requests.put(id, new RecentRequests.Entry(position, null));
            if (i % 97 == 0) {
                for (int probe = 0; probe < 6000; probe++) {
                    String other = idOf(probe);
                    RecentRequests.Entry entry = requests.get(other);
                    assertEquals(model.get(other), entry == null ? null : entry.logPosition(), other + " after put " + i);
                }
                assertEquals(model.values().iterator().next(), requests.oldestPosition(-1));
            }
        }
    }

    private static String idOf(int n) {
        return "req-" + n + "-".repeat(n % 50) + (n % 3 == 0 ? "ü日" : "");
    }
}
