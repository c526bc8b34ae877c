package org.bulletinboard.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bulletinboard.bench.ScratchDirectory;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of a server's request path (Jazzer): any frame, through the same decoding, checks and
 * services a worker runs against a real store, gets exactly one reply that fits in a frame and reads as an
 * envelope, and a refusal always says why. The committed inputs in
 * {@code src/test/resources/org/bulletinboard/server/RequestFuzzTestInputs/} run in every build.
 */
class RequestFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(RequestFuzzTest.class);

    private static ScratchDirectory data;
    private static BoardStore store;
    private static ClientServices services;
    private static Stamper stamper;

    @BeforeAll
    static void openStore() throws IOException {
        data = new ScratchDirectory("bbs-fuzz");
        stamper = Stamper.systemClock();
        store = BoardStore.open(Path.of(data.path().toString(), "server"), "fuzz", stamper);
        services = new ClientServices(store, () -> { }, () -> Map.of("status", "OK"));
    }

    @AfterAll
    static void closeStore() throws IOException {
        store.close();
        data.close();
    }

    @FuzzTest(maxDuration = "10m")
    void anyFrameGetsOneReplyThatFitsAndARefusalSaysWhy(byte[] frame) throws ProtocolException {
        byte[] bytes = RequestHandling.reply(frame, stamper, services, log, Fields.MAX_FRAME_BYTES,
                (name, outcome, nanos) -> { });
        assertTrue(bytes.length <= Fields.MAX_FRAME_BYTES, bytes.length + " bytes");
        Envelope reply = Envelope.decode(bytes);
        if ("erro".equals(reply.data().get("status"))) {
            String description = assertInstanceOf(String.class, reply.data().get("description"));
            assertTrue(!description.isBlank() && description.length() < 1024, description);
        }
    }
}
