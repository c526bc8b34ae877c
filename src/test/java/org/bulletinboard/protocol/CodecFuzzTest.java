package org.bulletinboard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the decoder (Jazzer). Every build runs the committed inputs in
 * {@code src/test/resources/org/bulletinboard/protocol/CodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class CodecFuzzTest {

    /** Any bytes decode to a value that encodes and decodes to itself, or are refused with a description. */
    @FuzzTest(maxDuration = "10m")
    void anyBytesDecodeToAStableValueOrAreRefusedWithADescription(byte[] input) throws ProtocolException {
        Object value;
        try {
            value = MsgPackCodec.decode(input);
        } catch (ProtocolException refused) {
            assertNotNull(refused.getMessage());
            assertFalse(refused.getMessage().isBlank());
            return;
        }
        byte[] canonical = MsgPackCodec.encode(value);
        assertArrayEquals(canonical, MsgPackCodec.encode(MsgPackCodec.decode(canonical)), "re-encoding is stable");
        try {
            Envelope.decode(input);
        } catch (ProtocolException refused) {
            assertFalse(refused.getMessage().isBlank());
        }
    }
}
