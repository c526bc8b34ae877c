package org.bulletinboard.chaos.check;

import org.bulletinboard.protocol.Services;

/** What a client operation of the fault checker does: one of the four writes, or a read of history or inbox. */
public enum Fn {
    LOGIN(Services.LOGIN, true),
    CHANNEL(Services.CHANNEL, true),
    PUBLISH(Services.PUBLISH, true),
    MESSAGE(Services.MESSAGE, true),
    HISTORY(Services.HISTORY, false),
    INBOX(Services.INBOX, false);

    private final String service;
    private final boolean write;

    Fn(String service, boolean write) {
        this.service = service;
        this.write = write;
    }

    /** The service on the wire. */
    public String service() {
        return service;
    }

    public boolean isWrite() {
        return write;
    }
}
