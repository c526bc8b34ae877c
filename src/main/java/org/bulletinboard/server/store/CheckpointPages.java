package org.bulletinboard.server.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * A checkpoint cut into parts of about {@code partBytes} each, for a peer to take one request at a time: its users,
 * then its channels, then its kept posts and messages, in a fixed order, so part {@code k} is the same part whenever
 * it is asked for.
 */
final class CheckpointPages {
    private final Snapshot snapshot;
    private final List<Map.Entry<String, UserRecord>> users;
    private final List<Map.Entry<String, ChannelRecord>> channels;
    private final List<Event> events = new ArrayList<>();
    /** Part k holds the items from cuts[k] (inclusive) to cuts[k + 1], counted over users, channels, events. */
    private final int[] cuts;

    CheckpointPages(Snapshot snapshot, long partBytes) {
        this.snapshot = snapshot;
        this.users = List.copyOf(snapshot.users().entrySet());
        this.channels = List.copyOf(snapshot.channels().entrySet());
        snapshot.posts().values().forEach(events::addAll);
        snapshot.messages().values().forEach(events::addAll);
        List<Integer> starts = new ArrayList<>(List.of(0));
        long bytes = 0;
        int items = users.size() + channels.size() + events.size();
        for (int i = 0; i < items; i++) {
            long size = sizeOf(i);
            if (bytes > 0 && bytes + size > partBytes) {
                starts.add(i);
                bytes = 0;
            }
            bytes += size;
        }
        starts.add(items);
        cuts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The log position the checkpoint reaches, which names it. */
    long at() {
        return snapshot.logPosition();
    }

    Coverage covers() {
        return snapshot.covers();
    }

    int parts() {
        return cuts.length - 1;
    }

    CheckpointPart part(int part) {
        Map<String, UserRecord> someUsers = new LinkedHashMap<>();
        Map<String, ChannelRecord> someChannels = new LinkedHashMap<>();
        List<Event> someEvents = new ArrayList<>();
        for (int i = cuts[part]; i < cuts[part + 1]; i++) {
            if (i < users.size()) {
                someUsers.put(users.get(i).getKey(), users.get(i).getValue());
            } else if (i < users.size() + channels.size()) {
                Map.Entry<String, ChannelRecord> channel = channels.get(i - users.size());
                someChannels.put(channel.getKey(), channel.getValue());
            } else {
                someEvents.add(events.get(i - users.size() - channels.size()));
            }
        }
        boolean last = part == parts() - 1;
        return new CheckpointPart(at(), part, parts(), someUsers, someChannels, someEvents,
                last ? snapshot.covers() : null, last ? snapshot.maxLamport() : 0);
    }

    private long sizeOf(int item) {
        if (item < users.size()) {
            return 32 + 3L * users.get(item).getKey().length();
        }
        if (item < users.size() + channels.size()) {
            return 24 + 3L * channels.get(item - users.size()).getKey().length();
        }
        return BoardStore.wireSize(events.get(item - users.size() - channels.size()));
    }
}
