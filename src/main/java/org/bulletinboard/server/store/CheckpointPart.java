package org.bulletinboard.server.store;

import java.util.List;
import java.util.Map;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * One part of a checkpoint, handed to a peer that lacks events the checkpoint covers and the log no longer serves:
 * some of its users, channels, and kept posts and messages (events, which the peer applies as it gets them); the
 * last part also says which events the whole checkpoint covers and its highest Lamport time, which the peer takes
 * once it holds every part.
 *
 * @param at     the log position the checkpoint reaches, which names it
 * @param covers on the last part only, else null
 */
public record CheckpointPart(long at, int part, int parts, Map<String, UserRecord> users,
                             Map<String, ChannelRecord> channels, List<Event> events, Coverage covers,
                             long maxLamport) {

    public CheckpointPart {
        users = Map.copyOf(users);
        channels = Map.copyOf(channels);
        events = List.copyOf(events);
    }

    public boolean last() {
        return part == parts - 1;
    }
}
