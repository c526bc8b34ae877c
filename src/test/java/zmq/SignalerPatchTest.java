package zmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.bulletinboard.support.Await;
import org.junit.jupiter.api.Test;

import zmq.util.Errno;

/** Our copy of JeroMQ's {@link Signaler} is the one loaded, still fits the JeroMQ beside it, and counts first. */
class SignalerPatchTest {
    /** The JeroMQ release whose Signaler.java src/main/java/zmq/Signaler.java copies. */
    private static final String PATCHED_JEROMQ = "0.5.4";

    @Test
    void ourSignalerShadowsJeromqs() {
        String location = Signaler.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertFalse(location.contains("jeromq"), "zmq.Signaler was loaded from " + location);
    }

    @Test
    void theJeromqOnTheClassPathIsTheOneThePatchWasMadeFor() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = Ctx.class.getResourceAsStream("/META-INF/maven/org.zeromq/jeromq/pom.properties")) {
            pom.load(in);
        }
        assertEquals(PATCHED_JEROMQ, pom.getProperty("version"),
                "JeroMQ changed: compare its zmq/Signaler.java with ours, carry the change over or drop ours");
    }

    @Test
    void aSignalIsCountedBeforeItsByteIsWritten() throws Exception {
        Ctx ctx = new Ctx();
        Signaler signaler = new Signaler(ctx, 1, new Errno());
        try {
            Pipe.SinkChannel sink = field(signaler, "w", Pipe.SinkChannel.class);
            Pipe.SourceChannel source = field(signaler, "r", Pipe.SourceChannel.class);
            AtomicLong written = field(signaler, "wcursor", AtomicLong.class);
            int filled = 0;
            while (sink.write(ByteBuffer.allocate(1)) == 1) { // the pipe is non-blocking: fill it up
                filled++;
            }
            assertTrue(filled > 0);

            // With the pipe full, send() retries its write until there is room: it is between counting and writing.
            Thread sender = new Thread(signaler::send, "sender");
            sender.start();
            Await.until(Duration.ofSeconds(5), "the signal counted while its byte waits for room",
                    () -> written.get() == 1);
            assertTrue(sender.isAlive(), "the byte is still unwritten");

            source.read(ByteBuffer.allocate(filled)); // a pipe takes a write again only once a page is free
            sender.join(Duration.ofSeconds(5).toMillis());
            assertFalse(sender.isAlive(), "the byte is written once there is room");
        }
        finally {
            signaler.close();
            ctx.terminate();
        }
    }

    private static <T> T field(Signaler signaler, String name, Class<T> type) throws ReflectiveOperationException {
        Field field = Signaler.class.getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(signaler));
    }
}
