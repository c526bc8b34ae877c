package org.bulletinboard.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the publications a subscriber received last, to let the first copy of each through: a subscriber
 * connected to several proxies gets every publication from each. Bounded: a copy arrives within moments of the
 * first, far fewer publications apart than this remembers. A publication without an id (from a server that adds
 * none) always passes.
 */
public final class RecentPublications {
    public static final int REMEMBERED = 16_384;

    private final Map<String, Boolean> ids = new LinkedHashMap<>(REMEMBERED * 2, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Whether this is the first copy of {@code publication} seen (then it is remembered). */
    public boolean isFirst(Envelope publication) {
        return !(publication.data().get("id") instanceof String id) || ids.put(id, Boolean.TRUE) == null;
    }
}
