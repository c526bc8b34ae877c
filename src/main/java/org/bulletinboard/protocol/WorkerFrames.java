package org.bulletinboard.protocol;

import java.nio.ByteBuffer;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * The first frame of every message between the broker and a server's workers (the ZeroMQ guide's Paranoid
 * Pirate, with a reply command so one socket carries everything). Worker to broker: {@code READY},
 * {@code HEARTBEAT}, {@code REPLY + client envelope + reply}, and {@code DISCONNECT} when it stops (from the
 * Majordomo pattern: the broker forgets it at once instead of after its heartbeats stop). Broker to worker:
 * {@code HEARTBEAT}, {@code REQUEST + client envelope + request}. Clients never see these frames.
 * <p>
 * A worker that serves many requests at once on one socket says so with a capacity frame after {@code READY}
 * and {@code HEARTBEAT} (a decimal count). It then gets {@code REQUEST + tag + request id + client envelope +
 * request}, up to that many unanswered, and answers {@code REPLY + tag + client envelope + reply}: the 8-byte tag
 * tells the broker which request the reply ends; the request id, the broker's own for this client request and the
 * same if it is handed to another worker, lets a server apply a write without a client {@code request_id} once,
 * and ends with {@code ~} when the request is handed on after a worker holding it was lost. A worker without a
 * capacity frame holds one request, untagged.
 */
public final class WorkerFrames {
    public static final String READY = "READY";
    public static final String HEARTBEAT = "HEARTBEAT";
    public static final String REQUEST = "REQUEST";
    public static final String REPLY = "REPLY";
    public static final String DISCONNECT = "DISCONNECT";
    /** Heartbeats a peer may miss before it is taken for dead. */
    public static final int LIVENESS = 3;
    /** The most requests one worker may hold at once, whatever it asks for. */
    public static final int MAX_CAPACITY = 4096;

    private WorkerFrames() {}

    /** The capacity frame a {@code READY} or {@code HEARTBEAT} may carry next in {@code message}: 0 if none or unreadable. */
    public static int capacity(ZMsg message) {
        String frame = message.popString();
        if (frame == null) {
            return 0;
        }
        try {
            return Math.min(MAX_CAPACITY, Math.max(0, Integer.parseInt(frame)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Marks a request id as that of a request handed on after the worker holding it was lost. */
    private static final char HANDED_ON = '~';

    /**
     * The request id frame's text: the broker's id, marked if the request was handed on after a worker holding it
     * was lost (that worker may have applied it).
     */
    public static String requestId(String id, boolean handedOn) {
        return handedOn ? id + HANDED_ON : id;
    }

    /** The broker's id in a request id frame's text, without the mark. */
    public static String requestIdOf(String frame) {
        return isHandedOn(frame) ? frame.substring(0, frame.length() - 1) : frame;
    }

    /** Whether a request id frame's text says the request was handed on after its worker was lost. */
    public static boolean isHandedOn(String frame) {
        return !frame.isEmpty() && frame.charAt(frame.length() - 1) == HANDED_ON;
    }

    public static ZFrame tag(long tag) {
        return new ZFrame(ByteBuffer.allocate(Long.BYTES).putLong(tag).array());
    }

    /** Pops the tag frame at the front of {@code message}; -1 if it is missing or not a tag. */
    public static long popTag(ZMsg message) {
        ZFrame frame = message.pop();
        if (frame == null || frame.size() != Long.BYTES) {
            return -1;
        }
        return ByteBuffer.wrap(frame.getData()).getLong();
    }
}
