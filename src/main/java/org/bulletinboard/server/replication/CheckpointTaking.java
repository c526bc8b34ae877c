package org.bulletinboard.server.replication;

import java.util.HashMap;
import java.util.Map;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;
import org.bulletinboard.server.store.CheckpointPart;

/**
 * A peer's checkpoint being taken, part by part: the users and channels of the parts so far (their events are
 * applied as they come), and which part comes next. A first part starts it again: the peer wrote a newer checkpoint
 * meanwhile.
 */
final class CheckpointTaking {
    private final long at;
    private final Map<String, UserRecord> users = new HashMap<>();
    private final Map<String, ChannelRecord> channels = new HashMap<>();
    private int nextPart;
    private boolean complete;

    private CheckpointTaking(long at) {
        this.at = at;
    }

    /** {@code taking} (null: none yet) with {@code part} added. */
    static CheckpointTaking with(CheckpointTaking taking, CheckpointPart part) throws ProtocolException {
        if (part.part() == 0) {
            taking = new CheckpointTaking(part.at());
        } else if (taking == null || taking.at != part.at() || taking.nextPart != part.part()) {
            throw new ProtocolException("checkpoint part " + part.part() + " of " + part.at() + " came out of turn");
        }
        taking.users.putAll(part.users());
        taking.channels.putAll(part.channels());
        taking.nextPart = part.part() + 1;
        taking.complete = part.last();
        return taking;
    }

    long at() {
        return at;
    }

    int nextPart() {
        return nextPart;
    }

    boolean complete() {
        return complete;
    }

    Map<String, UserRecord> users() {
        return users;
    }

    Map<String, ChannelRecord> channels() {
        return channels;
    }
}
