package org.bulletinboard.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentPublicationsTest {
    private static Envelope post(String id) {
        return new Envelope(Services.PUBLISH, id == null ? Map.of("message", "hi") : Map.of("message", "hi", "id", id));
    }

    @Test
    void theFirstCopyPassesAndTheSecondFromAnotherProxyDoesNot() {
        RecentPublications recent = new RecentPublications();
        assertTrue(recent.isFirst(post("server-1:7")));
        assertTrue(recent.isFirst(post("server-2:7")));
        assertFalse(recent.isFirst(post("server-1:7")));
    }

    @Test
    void publicationsWithoutAnIdAlwaysPass() {
        RecentPublications recent = new RecentPublications();
        assertTrue(recent.isFirst(post(null)));
        assertTrue(recent.isFirst(post(null)));
    }

    @Test
    void itRemembersABoundedNumber() {
        RecentPublications recent = new RecentPublications();
        for (int i = 0; i <= RecentPublications.REMEMBERED; i++) {
            recent.isFirst(post("id-" + i));
        }
        assertTrue(recent.isFirst(post("id-0")), "the oldest was forgotten");
        assertFalse(recent.isFirst(post("id-" + RecentPublications.REMEMBERED)));
    }
}
