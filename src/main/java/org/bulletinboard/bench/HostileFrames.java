package org.bulletinboard.bench;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.MsgPackCodec;

/**
 * Requests of many kinds, most of them malformed or hostile, each with what a sound cluster must do with it: answer
 * it, refuse it with {@code erro}, or (a frame over the size limit) close the connection. The valid ones read and
 * write a channel and a user that {@link Barrage} sets up first.
 */
final class HostileFrames {
    /** What a request must get. */
    enum Expect { SUCCESS, ERRO, CLOSED }

    /** The kinds, each a different way to be wrong (or, for the first two, right). */
    enum Kind {
        VALID, LARGE_VALID_READ, RANDOM_BYTES, HUGE_DECLARED_LENGTH, TRUNCATED, TRAILING_BYTES, DEEP_NESTING,
        NOT_A_MAP, WRONG_FIELD_TYPES, INSANE_CLOCK, INSANE_TIMESTAMP, LONG_STRINGS, MULTI_FRAME, OVERSIZED
    }

    /** One request: its frames (one, except for {@link Kind#MULTI_FRAME}) and what it must get. */
    record Probe(Kind kind, List<byte[]> frames, Expect expect) {}

    private static final byte[][] HUGE_HEADERS = {
            {(byte) 0xd9, (byte) 0xff}, // str8 of 255
            {(byte) 0xda, (byte) 0xff, (byte) 0xff}, // str16
            {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // str32 of 2 GiB
            {(byte) 0xdb, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // str32 past int range
            {(byte) 0xc4, (byte) 0xff}, // bin8
            {(byte) 0xc5, (byte) 0xff, (byte) 0xff}, // bin16
            {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // bin32
            {(byte) 0xdc, (byte) 0xff, (byte) 0xff}, // array16
            {(byte) 0xdd, 0x00, 0x01, (byte) 0x86, (byte) 0xa0}, // array32 of 100 000
            {(byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // array32
            {(byte) 0xde, (byte) 0xff, (byte) 0xff}, // map16
            {(byte) 0xdf, 0x00, 0x00, (byte) 0xc3, 0x50}, // map32 of 50 000
            {(byte) 0xdf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // map32
            {(byte) 0xc9, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, // ext32
    };

    private final String user;
    private final String channel;
    private final Random random;

    HostileFrames(String user, String channel, long seed) {
        this.user = user;
        this.channel = channel;
        this.random = new Random(seed);
    }

    /** The next request: about one in eight valid, the rest spread over the hostile kinds. */
    Probe next() {
        int roll = random.nextInt(1000);
        if (roll < 110) {
            return valid();
        }
        if (roll < 120) {
            return one(Kind.LARGE_VALID_READ, request("history", Map.of("channel", channel, "limit", 500L)),
                    Expect.SUCCESS);
        }
        if (roll < 121) {
            return one(Kind.OVERSIZED, randomBytes((int) Fields.MAX_FRAME_BYTES + 1 + random.nextInt(4096)),
                    Expect.CLOSED);
        }
        Kind kind = Kind.values()[2 + random.nextInt(Kind.values().length - 3)];
        return switch (kind) {
            case RANDOM_BYTES -> one(kind, randomBytes(1 + random.nextInt(512)), Expect.ERRO);
            case HUGE_DECLARED_LENGTH -> one(kind, hugeDeclaredLength(), Expect.ERRO);
            case TRUNCATED -> one(kind, truncated(), Expect.ERRO);
            case TRAILING_BYTES -> one(kind, concat(validFrame(), randomBytes(1 + random.nextInt(16))), Expect.ERRO);
            case DEEP_NESTING -> one(kind, deepNesting(), Expect.ERRO);
            case NOT_A_MAP -> one(kind, notAMap(), Expect.ERRO);
            case WRONG_FIELD_TYPES -> one(kind, wrongFieldTypes(), Expect.ERRO);
            case INSANE_CLOCK -> one(kind, insaneClock(), Expect.ERRO);
            case INSANE_TIMESTAMP -> one(kind, insaneTimestamp(), Expect.ERRO);
            case LONG_STRINGS -> one(kind, longStrings(), Expect.ERRO);
            case MULTI_FRAME -> new Probe(kind, List.of(validFrame(), validFrame()), Expect.ERRO);
            default -> throw new IllegalStateException("not drawn here: " + kind);
        };
    }

    private Probe valid() {
        return one(Kind.VALID, validFrame(), Expect.SUCCESS);
    }

    private byte[] validFrame() {
        return switch (random.nextInt(8)) {
            case 0 -> request("login", Map.of("user", user));
            case 1 -> request("users", Map.of());
            case 2 -> request("channels", Map.of());
            case 3 -> request("publish", Map.of("user", user, "channel", channel, "message", "barrage " + random.nextInt()));
            case 4 -> request("message", Map.of("src", user, "dst", user, "message", "note " + random.nextInt()));
            case 5 -> request("inbox", Map.of("user", user, "limit", 1L + random.nextInt(500)));
            case 6 -> request("history", Map.of("channel", channel, "limit", 1L + random.nextInt(20)));
            default -> request("users", Map.of("timestamp", "2026-11-28T12:00:00Z", "clock", 5L));
        };
    }

    private byte[] hugeDeclaredLength() {
        byte[] header = HUGE_HEADERS[random.nextInt(HUGE_HEADERS.length)];
        byte[] frame = concat(header, randomBytes(random.nextInt(8)));
        // Half of them sit where a field's value goes, inside an otherwise sound request.
        return random.nextBoolean() ? frame : concat(new byte[] {(byte) 0x82, (byte) 0xa7}, "service".getBytes(),
                new byte[] {(byte) 0xa5}, "login".getBytes(), new byte[] {(byte) 0xa4}, "data".getBytes(), frame);
    }

    private byte[] truncated() {
        byte[] whole = validFrame();
        return Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
    }

    private byte[] deepNesting() {
        int depth = 17 + random.nextInt(5000);
        ByteBuffer buffer = ByteBuffer.allocate(depth * 3 + 1);
        for (int i = 0; i < depth; i++) {
            if (random.nextBoolean()) {
                buffer.put((byte) 0x91); // a one-element array
            } else {
                buffer.put((byte) 0x81).put((byte) 0xa1).put((byte) 'k'); // a one-entry map
            }
        }
        buffer.put((byte) 0xc0);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private byte[] notAMap() {
        return switch (random.nextInt(5)) {
            case 0 -> MsgPackCodec.encode(List.of("login", Map.of("user", user)));
            case 1 -> MsgPackCodec.encode("login");
            case 2 -> MsgPackCodec.encode(Map.of("service", "login", "data", List.of(user)));
            case 3 -> MsgPackCodec.encode(Map.of(1L, "login"));
            default -> MsgPackCodec.encode(Map.of("service", "login", "data", Map.of(7L, user)));
        };
    }

    private byte[] wrongFieldTypes() {
        Object wrong = switch (random.nextInt(6)) {
            case 0 -> 42L;
            case 1 -> List.of(user);
            case 2 -> Map.of("name", user);
            case 3 -> 3.5;
            case 4 -> new byte[] {1, 2, 3};
            default -> true;
        };
        return switch (random.nextInt(6)) {
            case 0 -> request("login", Map.of("user", wrong));
            case 1 -> request("publish", Map.of("user", user, "channel", wrong, "message", "x"));
            case 2 -> request("message", Map.of("src", user, "dst", user, "message", wrong));
            case 3 -> request("history", Map.of("channel", channel, "limit", random.nextBoolean() ? "all" : 501L));
            case 4 -> request("users", Map.of("after", wrong));
            default -> request("history", Map.of("channel", channel, "before", random.nextBoolean() ? wrong : "nonsense"));
        };
    }

    private byte[] insaneClock() {
        Object clock = switch (random.nextInt(4)) {
            case 0 -> Long.MAX_VALUE;
            case 1 -> -1L - random.nextInt(1000);
            case 2 -> (1L << 53) + random.nextInt(1000);
            default -> new BigInteger("18446744073709551615");
        };
        return request("users", Map.of("clock", clock));
    }

    private byte[] insaneTimestamp() {
        Object timestamp = switch (random.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> -1.0 - random.nextInt(1000);
            case 4 -> List.of(1.7e9);
            case 5 -> 1.0e300;
            case 6 -> "+1000000000-01-01T00:00:00Z";
            default -> "10000-01-01T00:00:00Z";
        };
        return request("login", Map.of("user", user, "timestamp", timestamp));
    }

    /** Over-long names and texts; one in eight near the frame limit (costly to build, send and refuse). */
    private byte[] longStrings() {
        int length = random.nextInt(8) == 0 ? 150_000 + random.nextInt(50_000) : 65 + random.nextInt(4_000);
        String text = "w".repeat(length);
        return switch (random.nextInt(4)) {
            case 0 -> MsgPackCodec.encode(Map.of("service", text, "data", Map.of()));
            case 1 -> request("login", Map.of("user", text));
            case 2 -> request("publish", Map.of("user", user, "channel", channel, "message", "m".repeat(4097 + length)));
            default -> request("channel", Map.of("channel", text));
        };
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] request(String service, Map<String, Object> data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("service", service);
        frame.put("data", data);
        return MsgPackCodec.encode(frame);
    }

    private static Probe one(Kind kind, byte[] frame, Expect expect) {
        return new Probe(kind, List.of(frame), expect);
    }

    private static byte[] concat(byte[]... parts) {
        List<byte[]> list = new ArrayList<>(List.of(parts));
        int length = list.stream().mapToInt(p -> p.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(length);
        list.forEach(buffer::put);
        return buffer.array();
    }
}
