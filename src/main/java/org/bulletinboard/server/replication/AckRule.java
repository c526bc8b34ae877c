package org.bulletinboard.server.replication;

/**
 * Whose acknowledgements a write waits for before it is answered OK, counted against the configured servers (not
 * against those that happen to answer): an OK is a promise about disks, so a peer that is down or cut off still
 * counts, and a write that cannot reach enough of them in time is never answered OK.
 */
public enum AckRule {
    /** A majority of the configured servers, this one included, hold it durably: it survives any minority's loss. */
    QUORUM,
    /** Every configured server holds it durably. */
    ALL;

    /** How many peers must acknowledge a write in a cluster of {@code servers} configured servers, this one included. */
    public int peersNeeded(int servers) {
        return this == ALL ? servers - 1 : servers / 2;
    }
}
