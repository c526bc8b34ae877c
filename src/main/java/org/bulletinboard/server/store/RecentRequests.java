package org.bulletinboard.server.store;

/**
 * The request ids of the latest writes, at most {@code capacity} of them, oldest dropped first: a client retry
 * comes seconds after its first try, so a retry is recognised as long as fewer than {@code capacity} writes
 * came in between. Each entry keeps where in the log its event starts (so recovery knows how far back to read
 * to rebuild this window) and, for a post or message, which event counts for the request.
 * <p>
 * Held in flat arrays, not a map of entries: a ring in age order and an open-addressing index into it, and the
 * ids' characters in one array. Each of up to 100 000 entries lives for minutes; as a map entry, an entry record
 * and an event, and then as an id string, each was objects that every young collection of the JVM had to copy
 * while they were new, twice (with the image's {@code -XX:MaxTenuringThreshold=1}). Here an entry adds no object.
 * Not thread-safe: the store guards it.
 */
final class RecentRequests {
    /** A request's winning post or message (the last in history order), or a login or channel ({@code winner} null). */
    record Entry(long logPosition, Event winner) {}

    /**
     * Slots allocated up front, at most: all of a server's 100 000 (about 6 MB). Grown under load, each larger copy
     * of the arrays was new, so the next two young collections copied megabytes of them, for pauses of 20-30 ms.
     */
    private static final int MAX_INITIAL_SLOTS = 1 << 17;
    /**
     * Text allocated up front, in characters. It grows with the ids: allocated whole, it was 8 MB per server that
     * a cluster whose clients send no ids never uses; beyond 1M characters it is a humongous object, never copied.
     */
    private static final int INITIAL_TEXT = 32 * 1024;

    private final int capacity;
    // The ring: slot (head + i) % length holds the i-th oldest entry. A winner is kept as what orders it (lamport,
    // origin, seq) and what finds its history (type, and channel or recipient); origin is null for no winner.
    private long[] idStarts;
    private int[] idLengths;
    private int[] idHashes;
    private long[] logPositions;
    private long[] lamports;
    private long[] seqs;
    private String[] origins;
    private String[] types;
    private String[] places;
    private int head;
    private int size;
    /** Open addressing, linear probing: slot + 1 of the entry whose id hashes there, 0 for none. */
    private int[] index;
    /**
     * The ids' characters in age order, a ring addressed by ever-growing positions: the id in slot s is
     * {@code text[(idStarts[s] + i) & (text.length - 1)]} for i below {@code idLengths[s]}. Its length is a power
     * of two, grown when the ids held no longer fit.
     */
    private char[] text;
    /** The position after the newest id's characters. */
    private long textEnd;

    RecentRequests(int capacity) {
        this(capacity, Math.min(capacity, MAX_INITIAL_SLOTS));
    }

    /** @param initialSlots allocated up front; more are as needed, up to {@code capacity} */
    RecentRequests(int capacity, int initialSlots) {
        this.capacity = capacity;
        allocate(initialSlots);
        text = new char[INITIAL_TEXT];
    }

    Entry get(String request) {
        int slot = slotOf(request);
        return slot < 0 ? null : new Entry(logPositions[slot], winnerAt(slot));
    }

    boolean contains(String request) {
        return slotOf(request) >= 0;
    }

    /**
     * Records (or, for a later winner, replaces) a request's entry, keeping its place in age order. Of the winner
     * only what {@link #get} gives back is kept.
     */
    void put(String request, Entry entry) {
        int slot = slotOf(request);
        if (slot < 0) {
            if (size == capacity) {
                removeOldest();
            } else if (size == logPositions.length) {
                grow();
            }
            slot = (head + size) % logPositions.length;
            storeId(slot, request);
            size++;
            logPositions[slot] = entry.logPosition();
            indexInsert(slot);
        }
        Event winner = entry.winner();
        origins[slot] = winner == null ? null : winner.origin();
        if (winner != null) {
            lamports[slot] = winner.lamport();
            seqs[slot] = winner.seq();
            types[slot] = winner.type();
            places[slot] = Event.POST.equals(winner.type()) ? winner.channel() : winner.dst();
        }
    }

    /** Where in the log the oldest request held starts, or {@code fallback} when none is held. */
    long oldestPosition(long fallback) {
        return size == 0 ? fallback : logPositions[head];
    }

    /** A stand-in for the winner: it orders like it and names the same channel or recipient. */
    private Event winnerAt(int slot) {
        if (origins[slot] == null) {
            return null;
        }
        boolean post = Event.POST.equals(types[slot]);
        return new Event(origins[slot], seqs[slot], lamports[slot], 0, types[slot], null,
                post ? places[slot] : null, null, post ? null : places[slot], null, null);
    }

    /** Appends the id's characters to the text, growing it if they do not fit beside the ids held. */
    private void storeId(int slot, String request) {
        int length = request.length();
        long oldest = size == 0 ? textEnd : idStarts[head];
        while (textEnd + length - oldest > text.length) {
            char[] old = text;
            text = new char[2 * old.length];
            for (long at = oldest; at < textEnd; at++) {
                text[(int) (at & (text.length - 1))] = old[(int) (at & (old.length - 1))];
            }
        }
        int mask = text.length - 1;
        for (int i = 0; i < length; i++) {
            text[(int) ((textEnd + i) & mask)] = request.charAt(i);
        }
        idStarts[slot] = textEnd;
        idLengths[slot] = length;
        idHashes[slot] = request.hashCode();
        textEnd += length;
    }

    private boolean idEquals(int slot, String request) {
        if (idHashes[slot] != request.hashCode() || idLengths[slot] != request.length()) {
            return false;
        }
        int mask = text.length - 1;
        long start = idStarts[slot];
        for (int i = 0; i < request.length(); i++) {
            if (text[(int) ((start + i) & mask)] != request.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void removeOldest() {
        indexRemove(head);
        origins[head] = null;
        types[head] = null;
        places[head] = null;
        head = (head + 1) % logPositions.length;
        size--;
    }

    private void grow() {
        int length = logPositions.length;
        long[] oldStarts = idStarts;
        int[] oldLengths = idLengths;
        int[] oldHashes = idHashes;
        long[] oldPositions = logPositions;
        long[] oldLamports = lamports;
        long[] oldSeqs = seqs;
        String[] oldOrigins = origins;
        String[] oldTypes = types;
        String[] oldPlaces = places;
        allocate((int) Math.min(capacity, 2L * length));
        for (int i = 0; i < size; i++) {
            int from = (head + i) % length;
            idStarts[i] = oldStarts[from];
            idLengths[i] = oldLengths[from];
            idHashes[i] = oldHashes[from];
            logPositions[i] = oldPositions[from];
            lamports[i] = oldLamports[from];
            seqs[i] = oldSeqs[from];
            origins[i] = oldOrigins[from];
            types[i] = oldTypes[from];
            places[i] = oldPlaces[from];
            indexInsert(i);
        }
        head = 0;
    }

    private void allocate(int slots) {
        idStarts = new long[slots];
        idLengths = new int[slots];
        idHashes = new int[slots];
        logPositions = new long[slots];
        lamports = new long[slots];
        seqs = new long[slots];
        origins = new String[slots];
        types = new String[slots];
        places = new String[slots];
        index = new int[Integer.highestOneBit(Math.max(2, slots) * 2 - 1) * 2]; // a power of two, at least 2 * slots
    }

    /** Where in the index an id with this {@link String#hashCode} starts probing. */
    private int home(int idHash) {
        int hash = idHash * 0x9E3779B9; // spreads ids that differ only in their last characters
        return (hash ^ (hash >>> 16)) & (index.length - 1);
    }

    private int slotOf(String request) {
        int mask = index.length - 1;
        for (int at = home(request.hashCode()); index[at] != 0; at = (at + 1) & mask) {
            int slot = index[at] - 1;
            if (idEquals(slot, request)) {
                return slot;
            }
        }
        return -1;
    }

    private void indexInsert(int slot) {
        int mask = index.length - 1;
        int at = home(idHashes[slot]);
        while (index[at] != 0) {
            at = (at + 1) & mask;
        }
        index[at] = slot + 1;
    }

    /** Removes a slot from the index, shifting back the entries after it that probed past it. */
    private void indexRemove(int slot) {
        int mask = index.length - 1;
        int gap = home(idHashes[slot]);
        while (index[gap] != slot + 1) {
            gap = (gap + 1) & mask;
        }
        index[gap] = 0;
        for (int at = (gap + 1) & mask; index[at] != 0; at = (at + 1) & mask) {
            int wanted = home(idHashes[index[at] - 1]);
            // The entry at 'at' may move into the gap unless its home lies cyclically in (gap, at].
            boolean homeBetween = gap < at ? wanted > gap && wanted <= at : wanted > gap || wanted <= at;
            if (!homeBetween) {
                index[gap] = index[at];
                index[at] = 0;
                gap = at;
            }
        }
    }
}
