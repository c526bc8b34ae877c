package org.bulletinboard.protocol;

/** Service names on the wire (../shared/PROTOCOL.md) and the reply vocabulary that goes with them. */
public final class Services {
    // Client -> broker -> server
    public static final String LOGIN = "login";
    public static final String USERS = "users";
    public static final String CHANNEL = "channel";
    public static final String CHANNELS = "channels";
    public static final String PUBLISH = "publish";
    public static final String MESSAGE = "message";

    // Ours, beside the course's: reading back what was stored
    public static final String HISTORY = "history";
    public static final String INBOX = "inbox";
    /** Ours: one row per live server (rank, coordinator, clocks, events, heartbeat age). */
    public static final String STATUS = "status";

    // Server -> reference server
    public static final String RANK = "rank";
    public static final String LIST = "list";
    public static final String HEARTBEAT = "heartbeat";
    /** Ours: a server stopping cleanly leaves the live list at once. */
    public static final String LEAVE = "leave";

    // Server <-> server: the course's clock and election...
    public static final String CLOCK = "clock";
    public static final String ELECTION = "election";
    // ...and ours: Berkeley corrections, a server's own status row, and replication (ours to design)
    public static final String CLOCK_ADJUST = "clock_adjust";
    public static final String REPLICATE = "replicate";
    public static final String CATCH_UP = "catchup";

    /** Answer to a frame whose service could not be read. */
    public static final String ERROR = "error";

    /** Topic of coordinator announcements. */
    public static final String SERVERS_TOPIC = "servers";

    // Status words: login and channel answer in Portuguese, publish and message in English, as the course does.
    public static final String SUCCESS = "sucesso";
    public static final String OK = "OK";
    public static final String ERRO = "erro";

    private Services() {}

    /** Whether a client service changes state (and so may carry a request id). */
    public static boolean isWrite(String service) {
        return LOGIN.equals(service) || CHANNEL.equals(service) || PUBLISH.equals(service) || MESSAGE.equals(service);
    }
}
