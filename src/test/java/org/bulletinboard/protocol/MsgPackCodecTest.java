package org.bulletinboard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class MsgPackCodecTest {

    @Test
    void roundTripsEveryValueKind() throws ProtocolException {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("nil", null);
        nested.put("yes", true);
        nested.put("small", 7L);
        nested.put("negative", -123_456_789_012L);
        nested.put("float", 1.5);
        nested.put("text", "olá, mundo ✓");
        nested.put("str8", "é".repeat(20)); // the longer string headers: 1, 2 and 4 bytes of length
        nested.put("str16", "é".repeat(200));
        nested.put("str32", "x".repeat(70_000));
        nested.put("list", List.of(1L, "two", List.of(3.0)));
        Map<String, Object> value = Map.of("service", "publish", "data", nested);

        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) MsgPackCodec.decode(MsgPackCodec.encode(value));
        assertEquals(value, decoded);
        byte[] raw = {0, 1, (byte) 255};
        assertArrayEquals(raw, (byte[]) MsgPackCodec.decode(MsgPackCodec.encode(raw)));
    }

    @Test
    void integersEncodedByOtherLanguagesDecodeAsLong() throws ProtocolException {
        // Python's msgpack writes 5 as a positive fixint and 2**40 as uint64
        assertEquals(5L, MsgPackCodec.decode(new byte[] {0x05}));
        assertEquals(1L << 40, MsgPackCodec.decode(new byte[] {(byte) 0xcf, 0, 0, 1, 0, 0, 0, 0, 0}));
    }

    @Test
    void envelopeRoundTripKeepsServiceAndData() throws ProtocolException {
        Envelope envelope = new Envelope("login", Map.of("user", "alice", "clock", 3L, "timestamp", 1.7e9));
        assertEquals(envelope, Envelope.decode(envelope.encode()));
    }

    @Test
    void rejectsMalformedBytesWithADescription() {
        assertMalformed(new byte[0], "empty frame");
        assertMalformed(new byte[] {(byte) 0xc1}, "malformed MessagePack");
        assertMalformed(new byte[] {(byte) 0x82, (byte) 0xa7, 's'}, "malformed MessagePack");
        assertMalformed(new byte[] {(byte) 0x80, 0x01}, "trailing bytes");
        // a map header that claims 2^32-1 entries must not make us allocate them
        assertMalformed(new byte[] {(byte) 0xdf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "too large");
        assertMalformed(new byte[] {(byte) 0xdf, 0x00, 0x10, 0x00, 0x00}, "too large");
    }

    @Test
    void aDeclaredLengthAllocatesNothingTheFrameDoesNotHold() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[][] headers = {
                {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // bin32 of 2 GiB, no data
                {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // str32 of 2 GiB
                {(byte) 0xda, (byte) 0xff, (byte) 0xff, 'a', 'b'}, // str16 of 64 KiB with 2 bytes
                {(byte) 0xdd, 0x00, 0x01, (byte) 0x86, (byte) 0xa0, 0x01}, // array of 100 000 with one element
                {(byte) 0xdf, 0x00, 0x00, (byte) 0xc3, 0x50, (byte) 0xa1, 'k', 0x01}, // map of 50 000 with one entry
        };
        for (byte[] header : headers) {
            // A map around it, as a request field would sit, so the check is reached from inside a container too.
            byte[] frame = new byte[header.length + 3];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) 0xa1;
            frame[2] = 'v';
            System.arraycopy(header, 0, frame, 3, header.length);
            for (byte[] bytes : new byte[][] {header, frame}) {
                assertThrows(ProtocolException.class, () -> MsgPackCodec.decode(bytes)); // classes loaded, buffers made
                long before = threads.getCurrentThreadAllocatedBytes();
                ProtocolException e = assertThrows(ProtocolException.class, () -> MsgPackCodec.decode(bytes));
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for a " + bytes.length + "-byte frame");
                assertTrue(e.getMessage().contains("declares"), e.getMessage());
            }
        }
    }

    @Test
    void rejectsNestingBombs() {
        byte[] deep = new byte[1000];
        Arrays.fill(deep, (byte) 0x91); // 1000 nested one-element arrays
        assertMalformed(deep, "nested deeper than");
    }

    @Test
    void envelopeShapeErrorsAreDescribed() {
        assertEnvelopeError(List.of("login"), "payload must be a map");
        assertEnvelopeError(42L, "payload must be a map");
        assertEnvelopeError(Map.of("data", Map.of()), "missing field 'service'");
        assertEnvelopeError(Map.of("service", 5L), "'service' must be a non-empty string");
        assertEnvelopeError(Map.of("service", "users", "data", "none"), "'data' must be a map");
        assertEnvelopeError(Map.of("service", "users", "data", Map.of(1L, "x")), "keys of 'data' must be strings");
    }

    @Test
    void answersUndecodableFramesOnTheErrorServiceAndOthersOnTheirOwn() {
        assertEquals("error", Envelope.serviceOrError(new byte[] {(byte) 0xc1}));
        assertEquals("login", Envelope.serviceOrError(MsgPackCodec.encode(Map.of("service", "login", "data", 3L))));
    }

    @Test
    void missingDataReadsAsEmpty() throws ProtocolException {
        assertEquals(Map.of(), Envelope.decode(MsgPackCodec.encode(Map.of("service", "users"))).data());
    }

    private static void assertMalformed(byte[] bytes, String part) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> MsgPackCodec.decode(bytes));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertEnvelopeError(Object value, String part) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Envelope.decode(MsgPackCodec.encode(value)));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void encodesCollectionsAsArrays() throws ProtocolException {
        List<Object> list = new ArrayList<>(List.of("a", "b"));
        assertEquals(list, MsgPackCodec.decode(MsgPackCodec.encode(new java.util.TreeSet<>(list))));
    }

    @Test
    void stringsAreEncodedByteForByteAsMsgpackCoreEncodesThem() throws IOException {
        // ASCII strings up to 4096 characters take a path of our own, the others msgpack-core's
        for (String s : List.of("", "a", "x".repeat(31), "x".repeat(32), "x".repeat(255), "x".repeat(256),
                "x".repeat(4096), "x".repeat(4097), "x".repeat(4095) + "é", "é", "\u007f", "\u0080", "日本", "😀")) {
            try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
                packer.packString(s);
                assertArrayEquals(packer.toByteArray(), MsgPackCodec.encode(s), s.length() + " characters");
            }
        }
    }

    @Test
    void aWireMapIsEncodedAsTheMapOfItsEntries() throws ProtocolException {
        WireMap wire = new WireMap() {
            @Override
            public int size() {
                return 3;
            }

            @Override
            public void writeEntries(Entries entries) {
                entries.put("user", "ana");
                entries.put("message", "olá");
                entries.put("seq", 1L << 40);
            }
        };
        assertEquals(List.of(Map.of("user", "ana", "message", "olá", "seq", 1L << 40)),
                MsgPackCodec.decode(MsgPackCodec.encode(List.of(wire))));
    }
}
