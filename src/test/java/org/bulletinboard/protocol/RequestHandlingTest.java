package org.bulletinboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RequestHandlingTest {
    private static final Logger log = LoggerFactory.getLogger(RequestHandlingTest.class);
    private static final long LIMIT = 4096;
    private final Stamper stamper = Stamper.systemClock();

    @Test
    void anythingAHandlerThrowsIsAnsweredWithErroExceptAnUnusableJvm() throws ProtocolException {
        for (Throwable thrown : new Throwable[] {new IllegalStateException("bug"), new AssertionError("bad"),
                new NoClassDefFoundError("gone"), new ExceptionInInitializerError()}) {
            Envelope reply = serve("users", request -> {
                throw sneaky(thrown);
            });
            assertEquals("users", reply.service());
            assertEquals("erro", reply.data().get("status"));
            assertEquals("internal server error: " + thrown.getClass().getSimpleName(), reply.data().get("description"));
        }
        OutOfMemoryError fatal = new OutOfMemoryError("simulated");
        assertThrows(OutOfMemoryError.class, () -> serve("users", request -> {
            throw fatal;
        }), "a VirtualMachineError stops the thread, so the role stops loudly");
    }

    @Test
    void aReplyLargerThanAFrameIsReplacedByAnErroThatFits() throws ProtocolException {
        byte[] bytes = RequestHandling.reply(new Envelope("history", Map.of()).encode(), stamper,
                request -> Map.of("messages", "x".repeat((int) LIMIT)), log, LIMIT, (name, outcome, nanos) -> { });
        assertTrue(bytes.length <= LIMIT, bytes.length + " bytes");
        Envelope reply = Envelope.decode(bytes);
        assertEquals("erro", reply.data().get("status"));
        assertTrue(((String) reply.data().get("description")).contains("larger than a frame"), reply.toString());
    }

    @Test
    void aServiceNameTooLongToEchoIsAnsweredOnTheErrorService() throws ProtocolException {
        Envelope reply = Envelope.decode(RequestHandling.reply(
                MsgPackCodec.encode(Map.of("service", "s".repeat(100_000), "data", Map.of())), stamper,
                request -> Map.of(), log, LIMIT, (name, outcome, nanos) -> { }));
        assertEquals("error", reply.service());
        assertTrue(((String) reply.data().get("description")).contains("longer than 64"), reply.toString());
    }

    private Envelope serve(String service, RequestHandling.Handler handler) throws ProtocolException {
        return Envelope.decode(RequestHandling.reply(new Envelope(service, Map.of()).encode(), stamper, handler, log,
                LIMIT, (name, outcome, nanos) -> { }));
    }

    /** Lets a test handler throw any Throwable through the Handler's signature. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
