package org.bulletinboard.protocol;

/**
 * The first frame of every message between the broker and a server's workers (the ZeroMQ guide's Paranoid
 * Pirate, with a reply command so one socket carries everything). Worker to broker: {@code READY},
 * {@code HEARTBEAT}, {@code REPLY + client envelope + reply}. Broker to worker:
 * {@code HEARTBEAT}, {@code REQUEST + client envelope + request}. Clients never see these frames.
 */
public final class WorkerFrames {
    public static final String READY = "READY";
    public static final String HEARTBEAT = "HEARTBEAT";
    public static final String REQUEST = "REQUEST";
    public static final String REPLY = "REPLY";
    /** Heartbeats a peer may miss before it is taken for dead. */
    public static final int LIVENESS = 3;

    private WorkerFrames() {}
}
