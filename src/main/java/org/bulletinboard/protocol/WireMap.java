package org.bulletinboard.protocol;

/**
 * A value that {@link MsgPackCodec} encodes as a map by having it write its own entries, for what every write
 * sends: building a {@link java.util.Map} of it first (nodes, table, boxed numbers), to be read once and dropped,
 * was about a seventh of what a write allocated.
 */
public interface WireMap {
    /** How many entries {@link #writeEntries} writes. */
    int size();

    void writeEntries(Entries entries);

    /** Where the entries go: a key, then its value. */
    interface Entries {
        void put(String key, String value);

        void put(String key, long value);
    }
}
