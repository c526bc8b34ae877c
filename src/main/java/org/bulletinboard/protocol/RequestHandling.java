package org.bulletinboard.protocol;

import java.util.Map;
import org.slf4j.Logger;

/**
 * The one path every request takes in a serving role: decode, check and merge the stamps, dispatch, encode, and
 * turn anything wrong into an {@code erro} reply logged once. Always returns a reply that fits in a frame, so
 * REP-style loops never wedge and no reply is too large for the socket that carries it. Nothing a request does
 * kills the serving thread, except an error that leaves the JVM itself unusable ({@link VirtualMachineError}),
 * which is rethrown so the role stops loudly and is restarted.
 */
public final class RequestHandling {

    /** Serves one decoded request and returns the reply's fields. */
    @FunctionalInterface
    public interface Handler {
        Map<String, Object> handle(Envelope request) throws ProtocolException;
    }

    /** How a request ended: answered, refused with {@code erro} for what it was, or failed inside. */
    public enum Outcome { OK, REFUSED, FAILED }

    /** Told of every request served (for metrics): its service ({@code error} if unreadable), outcome and time. */
    @FunctionalInterface
    public interface Observer {
        void served(String service, Outcome outcome, long nanos);
    }

    private RequestHandling() {}

    /** Serves one frame; the encoded reply is at most {@code maxReplyBytes} long. */
    public static byte[] reply(byte[] frame, Stamper stamper, Handler handler, Logger log, long maxReplyBytes,
                               Observer observer) {
        long started = System.nanoTime();
        Envelope request;
        try {
            request = Envelope.decode(frame);
            stamper.observe(request);
        } catch (ProtocolException e) {
            String service = Envelope.serviceOrError(frame);
            RejectionLog.warn(log, "rejected request on '{}': {}", service, e.getMessage());
            observer.served(service, Outcome.REFUSED, System.nanoTime() - started);
            return error(stamper, service, e.getMessage());
        }
        String service = request.service();
        byte[] reply;
        Outcome outcome = Outcome.OK;
        try {
            reply = stamper.envelope(service, handler.handle(request)).encode();
        } catch (ProtocolException e) {
            RejectionLog.warn(log, "rejected '{}' request: {}", service, e.getMessage());
            outcome = Outcome.REFUSED;
            reply = error(stamper, service, e.getMessage());
        } catch (VirtualMachineError e) {
            log.error("fatal error serving '{}'; this role cannot go on", service, e);
            throw e;
        } catch (Throwable e) { // a bug must cost one request its answer, not the thread that serves the others
            RejectionLog.error(log, "internal error serving '" + service + "'", e);
            outcome = Outcome.FAILED;
            reply = error(stamper, service, "internal server error: " + e.getClass().getSimpleName());
        }
        if (reply.length > maxReplyBytes) {
            RejectionLog.warn(log, "reply to '{}' withheld: {}", service, reply.length + " bytes");
            outcome = Outcome.FAILED;
            reply = error(stamper, service, "the reply (" + reply.length + " bytes) is larger than a frame may be ("
                    + maxReplyBytes + " bytes); ask for less");
        }
        observer.served(service, outcome, System.nanoTime() - started);
        return reply;
    }

    private static byte[] error(Stamper stamper, String service, String description) {
        return stamper.envelope(service, Replies.error(service, description)).encode();
    }
}
