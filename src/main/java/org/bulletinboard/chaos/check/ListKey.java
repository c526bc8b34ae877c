package org.bulletinboard.chaos.check;

/**
 * Names one ordered list of the board, histories and inboxes kept apart since a channel and a user may share a
 * name: {@code channel:lobby}, {@code inbox:ana}.
 */
final class ListKey {
    private static final String HISTORY = "channel:";
    private static final String INBOX = "inbox:";

    private ListKey() {
    }

    static String history(String channel) {
        return HISTORY + channel;
    }

    static String inbox(String user) {
        return INBOX + user;
    }

    /** The list a read reads. */
    static String ofRead(Op read) {
        return read.f() == Fn.HISTORY ? history(read.key()) : inbox(read.key());
    }

    /** The list a write joins; null for a login or a channel. */
    static String ofWrite(Op write) {
        return switch (write.f()) {
            case PUBLISH -> history(write.key());
            case MESSAGE -> inbox(write.key());
            default -> null;
        };
    }

    /** The list an event joins; null for a login or a channel. */
    static String ofEvent(StoredEvent event) {
        return switch (event.type()) {
            case BoardItem.POST -> history(event.key());
            case BoardItem.MESSAGE -> inbox(event.key());
            default -> null;
        };
    }

    /** {@code history of lobby}, {@code inbox of ana}. */
    static String describe(String listKey) {
        return listKey.startsWith(HISTORY)
                ? "history of " + listKey.substring(HISTORY.length())
                : "inbox of " + listKey.substring(INBOX.length());
    }

    /** What the list holds, counted: {@code 3 posts}, {@code 1 message}. */
    static String count(String listKey, int n) {
        String noun = listKey.startsWith(HISTORY) ? "post" : "message";
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
