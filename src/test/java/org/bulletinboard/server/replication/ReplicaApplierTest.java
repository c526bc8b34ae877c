package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Set;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.MsgPackCodec;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaApplierTest {

    @Test
    void aReplayedBatchIsAcknowledgedAgainButAppliedOnce(@TempDir Path dir) throws Exception {
        List<Event> events = List.of(event(1, "channel", Map.of("channel", "general")),
                event(2, "post", Map.of("user", "ana", "channel", "general", "message", "hi")));
        try (BoardStore store = BoardStore.open(dir, "s1", Stamper.systemClock())) {
            ReplicaApplier applier = new ReplicaApplier(store);
            Envelope batch = new Envelope("replicate", ReplicationMessages.batch("s2", events));
            for (int i = 0; i < 3; i++) {
                Map<String, Object> ack = applier.handle(Envelope.decode(batch.encode()));
                assertEquals(List.of("s2:1", "s2:2"), ack.get("acked"));
            }
            assertEquals(2, store.eventCount());
            assertEquals(1, store.view().posts().get("general").size());
        }
    }

    @Test
    void theSameEventTwiceInOneBatchIsWrittenOnce(@TempDir Path dir) throws Exception {
        Map<String, Object> data = new HashMap<>();
        data.put("from", "s2");
        data.put("events", List.of(wire(event(1, "login", Map.of("user", "ana"))),
                wire(event(1, "login", Map.of("user", "ana")))));
        try (BoardStore store = BoardStore.open(dir, "s1", Stamper.systemClock())) {
            Map<String, Object> ack = new ReplicaApplier(store).handle(new Envelope("replicate", data));
            assertEquals(Set.of("s2:1"), Set.copyOf((List<?>) ack.get("acked")));
        }
        try (Stream<Path> files = Files.list(dir)) {
            long lines = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("events")).toList()) {
                lines += Files.readAllLines(file).size();
            }
            assertEquals(1, lines, "one line in the log");
        }
    }

    @Test
    void anUnreadableEventIsSkippedAndTheRestApplied(@TempDir Path dir) throws Exception {
        Map<String, Object> broken = new HashMap<>(wire(event(1, "post", Map.of("user", "ana"))));
        Map<String, Object> data = new HashMap<>();
        data.put("from", "s2");
        data.put("events", List.of(broken, wire(event(2, "login", Map.of("user", "ana"))), "not an event"));
        try (BoardStore store = BoardStore.open(dir, "s1", Stamper.systemClock())) {
            Map<String, Object> ack = new ReplicaApplier(store).handle(new Envelope("replicate", data));
            assertEquals(List.of("s2:2"), ack.get("acked"), "only what was stored is acknowledged");
            assertEquals(List.of("ana"), store.userNames());
        }
    }

    @Test
    void aFullBatchOfTheLongestEventsFitsAPeerFrame() throws ProtocolException {
        String longest = "€".repeat(Fields.MAX_MESSAGE_LENGTH); // 3 UTF-8 bytes per character
        String name = "ç".repeat(Fields.MAX_NAME_LENGTH);
        List<Event> batch = new ArrayList<>();
        for (int seq = 1; seq <= ReplicationMessages.MAX_BATCH; seq++) {
            batch.add(event(seq, "post", Map.of("user", name, "channel", name, "message", longest)));
        }
        byte[] frame = new Envelope("replicate", ReplicationMessages.batch(name, batch)).encode();
        assertTrue(frame.length > Fields.MAX_FRAME_BYTES, "the client-facing limit would cut this batch");
        assertTrue(frame.length < ReplicationMessages.MAX_PEER_FRAME_BYTES, frame.length + " bytes");
    }

    private static Event event(long seq, String type, Map<String, Object> fields) throws ProtocolException {
        Map<String, Object> wire = new HashMap<>(fields);
        wire.put("origin", "s2");
        wire.put("seq", seq);
        wire.put("lamport", seq);
        wire.put("timestamp", 1_000L + seq);
        wire.put("type", type);
        return type.equals("post") && !fields.containsKey("message") ? brokenPost(wire) : Event.fromWire(wire);
    }

    /** The event as a peer's frame carries it. */
    private static Map<String, Object> wire(Event event) throws ProtocolException {
        return Fields.stringKeyed(MsgPackCodec.decode(MsgPackCodec.encode(event))).orElseThrow();
    }

    /** A post that lacks fields, as a buggy peer might send; built without validation on purpose. */
    private static Event brokenPost(Map<String, Object> wire) {
        return new Event("s2", (Long) wire.get("seq"), 1, 1, "post", (String) wire.get("user"), null, null, null, null, null);
    }
}
