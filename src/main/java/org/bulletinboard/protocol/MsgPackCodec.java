package org.bulletinboard.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Converts between MessagePack bytes and plain Java values: {@code null}, {@link Boolean}, {@link Long},
 * {@link Double}, {@link String}, {@code byte[]}, {@link List} and {@link Map}; encoding also takes any
 * {@link java.util.Collection} as an array and a {@link WireMap} as a map. Decoding never trusts its
 * input: a declared length is checked against the bytes that are really left before anything is allocated for
 * it (a string or binary needs that many bytes, an array at least one byte per element, a map two per entry),
 * so what a frame decodes to is bounded by a small multiple of its own size. Nesting depth and container sizes
 * are bounded too, and trailing bytes are rejected.
 */
public final class MsgPackCodec {
    static final int MAX_DEPTH = 16;
    static final int MAX_CONTAINER_SIZE = 100_000;
    /**
     * Packers start with a 512-byte buffer, grown as needed. The default, 8 KiB, was a quarter of everything the
     * servers allocated per write (most frames are a few hundred bytes), and so of what the garbage collector did.
     */
    private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withBufferSize(512);
    /** Longer strings, or any with a non-ASCII character, are left to msgpack-core's own encoder. */
    private static final int ASCII_SCRATCH_BYTES = 4096;
    private static final ThreadLocal<byte[]> ASCII_SCRATCH = ThreadLocal.withInitial(() -> new byte[ASCII_SCRATCH_BYTES]);

    private MsgPackCodec() {}

    public static byte[] encode(Object value) {
        try (MessageBufferPacker packer = PACKER.newBufferPacker()) {
            new Packing(packer, ASCII_SCRATCH.get()).value(value);
            return packer.toByteArray();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("in-memory MessagePack packing failed", e);
        }
    }

    public static Object decode(byte[] bytes) throws ProtocolException {
        if (bytes == null || bytes.length == 0) {
            throw new ProtocolException("empty frame: expected a MessagePack map");
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            Object value = new Reader(unpacker, bytes).value(0);
            if (unpacker.hasNext()) {
                throw new ProtocolException("malformed MessagePack: trailing bytes after the first value");
            }
            return value;
        } catch (MessageSizeException e) {
            throw new ProtocolException("malformed MessagePack: a declared size is too large", e);
        } catch (MessagePackException | IOException e) {
            String reason = e.getMessage() != null ? e.getMessage() : "truncated or invalid (" + e.getClass().getSimpleName() + ")";
            throw new ProtocolException("malformed MessagePack: " + reason, e);
        }
    }

    /** One encoding's packer, and this thread's scratch for the bytes of ASCII strings. */
    private record Packing(MessageBufferPacker packer, byte[] scratch) implements WireMap.Entries {

        void value(Object value) throws IOException {
            if (value == null) {
                packer.packNil();
            } else if (value instanceof String s) {
                string(s);
            } else if (value instanceof Boolean b) {
                packer.packBoolean(b);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                packer.packLong(((Number) value).longValue());
            } else if (value instanceof BigInteger big) {
                packer.packBigInteger(big);
            } else if (value instanceof Double || value instanceof Float) {
                packer.packDouble(((Number) value).doubleValue());
            } else if (value instanceof byte[] raw) {
                packer.packBinaryHeader(raw.length);
                packer.writePayload(raw);
            } else if (value instanceof Map<?, ?> map) {
                packer.packMapHeader(map.size());
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    value(entry.getKey());
                    value(entry.getValue());
                }
            } else if (value instanceof WireMap wire) {
                packer.packMapHeader(wire.size());
                wire.writeEntries(this);
            } else if (value instanceof Collection<?> items) {
                packer.packArrayHeader(items.size());
                for (Object item : items) {
                    value(item);
                }
            } else {
                throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as MessagePack");
            }
        }

        /**
         * An ASCII string is copied through the scratch buffer: msgpack-core's {@code packString} makes a new byte
         * array of every short string, and those were a seventh of what a write allocated.
         */
        private void string(String s) throws IOException {
            int length = s.length();
            if (length <= scratch.length && copiedAscii(s, length)) {
                packer.packRawStringHeader(length);
                packer.writePayload(scratch, 0, length);
            } else {
                packer.packString(s);
            }
        }

        private boolean copiedAscii(String s, int length) {
            for (int i = 0; i < length; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return false;
                }
                scratch[i] = (byte) c;
            }
            return true;
        }

        @Override
        public void put(String key, String value) {
            try {
                string(key);
                string(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void put(String key, long value) {
            try {
                string(key);
                packer.packLong(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Decodes one frame, checking every declared length against the bytes left in it. */
    private record Reader(MessageUnpacker unpacker, byte[] frame) {

        Object value(int depth) throws IOException, ProtocolException {
            if (!unpacker.hasNext()) {
                throw new ProtocolException("malformed MessagePack: truncated value");
            }
            MessageFormat format = unpacker.getNextFormat();
            ValueType type = format.getValueType();
            switch (type) {
                case NIL:
                    unpacker.unpackNil();
                    return null;
                case BOOLEAN:
                    return unpacker.unpackBoolean();
                case INTEGER:
                    if (format == MessageFormat.UINT64) {
                        BigInteger big = unpacker.unpackBigInteger();
                        return big.bitLength() < 64 ? (Object) big.longValue() : big;
                    }
                    return unpacker.unpackLong();
                case FLOAT:
                    return unpacker.unpackDouble();
                case STRING: {
                    // Straight from the frame: reading the payload first would copy every string's bytes twice.
                    int length = checkedPayload(unpacker.unpackRawStringHeader(), "string");
                    int offset = (int) unpacker.getTotalReadBytes();
                    unpacker.readPayloadAsReference(length);
                    return new String(frame, offset, length, StandardCharsets.UTF_8);
                }
                case BINARY:
                    return payload(unpacker.unpackBinaryHeader(), "binary");
                case ARRAY: {
                    int size = container(unpacker.unpackArrayHeader(), 1, depth, "array");
                    List<Object> list = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        list.add(value(depth + 1));
                    }
                    return list;
                }
                case MAP: {
                    int size = container(unpacker.unpackMapHeader(), 2, depth, "map");
                    Map<Object, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
                    for (int i = 0; i < size; i++) {
                        Object key = value(depth + 1);
                        map.put(key, value(depth + 1));
                    }
                    return map;
                }
                default:
                    throw new ProtocolException("unsupported MessagePack type " + type);
            }
        }

        private long remaining() {
            return frame.length - unpacker.getTotalReadBytes();
        }

        /** Reads a binary's bytes, once the frame is known to hold them all. */
        private byte[] payload(int length, String what) throws IOException, ProtocolException {
            return unpacker.readPayload(checkedPayload(length, what));
        }

        /** A string's or binary's length, once the frame is known to hold that many bytes. */
        private int checkedPayload(int length, String what) throws ProtocolException {
            if (length < 0 || length > remaining()) {
                throw new ProtocolException("malformed MessagePack: " + what + " header declares " + Integer.toUnsignedString(length)
                        + " bytes but the frame has " + remaining() + " left");
            }
            return length;
        }

        /** Checks a container header: depth, the fixed bound, and the bytes its entries need at the least. */
        private int container(int size, int bytesPerEntry, int depth, String what) throws ProtocolException {
            if (depth >= MAX_DEPTH) {
                throw new ProtocolException("MessagePack nested deeper than " + MAX_DEPTH + " levels");
            }
            if (size < 0 || size > MAX_CONTAINER_SIZE) {
                throw new ProtocolException("MessagePack " + what + " of " + Integer.toUnsignedString(size)
                        + " entries is too large");
            }
            if ((long) size * bytesPerEntry > remaining()) {
                throw new ProtocolException("malformed MessagePack: " + what + " header declares " + size
                        + " entries but the frame has " + remaining() + " bytes left");
            }
            return size;
        }
    }
}
