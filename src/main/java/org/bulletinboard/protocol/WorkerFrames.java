package org.bulletinboard.protocol;

/**
 * The first frame of every message between the broker and a server's workers (the ZeroMQ guide's Paranoid
 * Pirate, with a reply command so one socket carries everything). Worker to broker: {@code READY},
 * {@code HEARTBEAT}, {@code REPLY + client envelope + reply}, and {@code DISCONNECT} when it stops (from the
 * Majordomo pattern: the broker forgets it at once instead of after its heartbeats stop). Broker to worker:
 * {@code HEARTBEAT}, {@code REQUEST + client envelope + request}. Clients never see these frames.
 */
public final class WorkerFrames {
    public static final String READY = "READY";
    public static final String HEARTBEAT = "HEARTBEAT";
    public static final String REQUEST = "REQUEST";
    public static final String REPLY = "REPLY";
    public static final String DISCONNECT = "DISCONNECT";
    /** Heartbeats a peer may miss before it is taken for dead. */
    public static final int LIVENESS = 3;

    private WorkerFrames() {}
}
