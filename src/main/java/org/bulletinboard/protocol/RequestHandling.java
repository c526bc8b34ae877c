package org.bulletinboard.protocol;

import java.util.Map;
import org.slf4j.Logger;

/**
 * The one path every request takes in a serving role: decode, merge the Lamport clock, dispatch, and turn
 * anything wrong into an {@code erro} reply logged once. Always returns a reply, so REP-style loops never wedge.
 */
public final class RequestHandling {

    /** Serves one decoded request and returns the reply's fields. */
    @FunctionalInterface
    public interface Handler {
        Map<String, Object> handle(Envelope request) throws ProtocolException;
    }

    private RequestHandling() {}

    public static Envelope reply(byte[] frame, Stamper stamper, Handler handler, Logger log) {
        Envelope request;
        try {
            request = Envelope.decode(frame);
            stamper.observe(request);
        } catch (ProtocolException e) {
            String service = Envelope.serviceOrError(frame);
            log.warn("rejected request on '{}': {}", service, e.getMessage());
            return stamper.envelope(service, Replies.error(service, e.getMessage()));
        }
        try {
            return stamper.envelope(request.service(), handler.handle(request));
        } catch (ProtocolException e) {
            log.warn("rejected '{}' request: {}", request.service(), e.getMessage());
            return stamper.envelope(request.service(), Replies.error(request.service(), e.getMessage()));
        } catch (RuntimeException e) {
            log.error("internal error serving '{}'", request.service(), e);
            return stamper.envelope(request.service(),
                    Replies.error(request.service(), "internal server error: " + e.getClass().getSimpleName()));
        }
    }
}
