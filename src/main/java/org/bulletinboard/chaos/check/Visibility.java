package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether writes show where they should: an acknowledged one on every readable server and in the clients' view
 * (else it is lost), a refused one nowhere, neither there nor in any read (else it is resurrected). A write whose
 * outcome is unknown may show or not.
 */
final class Visibility {
    /** Reads named in a resurrection before the rest are only counted. */
    private static final int MAX_READS_NAMED = 5;

    private final List<ServerState> servers;
    private final List<Set<BoardItem>> held = new ArrayList<>();
    private final Set<BoardItem> shownToClients;

    /** @param clientView null when the clients' view was not read */
    Visibility(List<ServerState> servers, ObservedBoard clientView) {
        this.servers = servers;
        servers.forEach(server -> held.add(BoardItem.heldBy(server)));
        shownToClients = clientView == null ? null : BoardItem.shownBy(clientView);
    }

    List<Lost> lost(List<Op> history) {
        List<Lost> lost = new ArrayList<>();
        for (Op op : history) {
            if (op.isOkWrite()) {
                BoardItem item = BoardItem.written(op);
                List<String> missingOn = new ArrayList<>();
                for (int i = 0; i < servers.size(); i++) {
                    if (!held.get(i).contains(item)) {
                        missingOn.add(servers.get(i).name());
                    }
                }
                if (shownToClients != null && !shownToClients.contains(item)) {
                    missingOn.add(Sequences.CLIENTS);
                }
                if (!missingOn.isEmpty()) {
                    lost.add(new Lost(op.f(), op.value(), op.key(), op.process(), op.completedNanos(), missingOn));
                }
            }
        }
        return lost;
    }

    List<Resurrected> resurrected(List<Op> history) {
        Map<BoardItem, List<Op>> readsOfRefused = new HashMap<>();
        for (Op op : history) {
            if (op.f().isWrite() && op.outcome() == Outcome.FAIL) {
                readsOfRefused.put(BoardItem.written(op), new ArrayList<>());
            }
        }
        if (readsOfRefused.isEmpty()) {
            return List.of();
        }
        for (Op read : history) {
            if (read.isOkRead()) {
                for (String value : read.read()) {
                    List<Op> reads = readsOfRefused.get(BoardItem.read(read, value));
                    if (reads != null && (reads.isEmpty() || reads.get(reads.size() - 1) != read)) {
                        reads.add(read);
                    }
                }
            }
        }
        List<Resurrected> resurrected = new ArrayList<>();
        for (Op op : history) {
            if (op.f().isWrite() && op.outcome() == Outcome.FAIL) {
                BoardItem item = BoardItem.written(op);
                List<String> presentOn = presentOn(item, readsOfRefused.get(item));
                if (!presentOn.isEmpty()) {
                    resurrected.add(new Resurrected(op.f(), op.value(), op.process(), op.error(), presentOn));
                }
            }
        }
        return resurrected;
    }

    private List<String> presentOn(BoardItem item, List<Op> reads) {
        List<String> presentOn = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (held.get(i).contains(item)) {
                presentOn.add(servers.get(i).name());
            }
        }
        if (shownToClients != null && shownToClients.contains(item)) {
            presentOn.add(Sequences.CLIENTS);
        }
        reads.stream().limit(MAX_READS_NAMED).forEach(read -> presentOn.add(Sequences.read(read)));
        if (reads.size() > MAX_READS_NAMED) {
            presentOn.add("and " + (reads.size() - MAX_READS_NAMED) + " more reads");
        }
        return presentOn;
    }
}
