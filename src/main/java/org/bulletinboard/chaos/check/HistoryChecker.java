package org.bulletinboard.chaos.check;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Judges a history of client operations against what the servers hold once faults are healed: acknowledged writes
 * kept everywhere, refused ones nowhere, nothing shown twice, one order per list across every source, reads that
 * never go back, and servers that converged. Pure: everything it judges comes in as arguments.
 */
public final class HistoryChecker {

    private HistoryChecker() {
    }

    /**
     * @param ops        every operation, in any order
     * @param servers    what each readable server holds
     * @param unreadable the servers that could not be read; a server named here is not judged even if listed above
     * @param clientView what the clients saw through the broker at the end, or null
     */
    public static Verdict check(List<Op> ops, List<ServerState> servers, List<String> unreadable,
                                ObservedBoard clientView) {
        List<Op> history = ops.stream().sorted(Comparator.comparingInt(Op::index)).toList();
        Set<String> unread = Set.copyOf(unreadable);
        List<ServerState> readable = servers.stream().filter(server -> !unread.contains(server.name()))
                .sorted(Comparator.comparing(ServerState::name)).toList();
        Visibility visibility = new Visibility(readable, clientView);
        List<Sequences.Sequence> sequences = Stream.of(Sequences.ofLogs(readable),
                Sequences.ofBoards(readable, clientView), Sequences.ofReads(history)).flatMap(List::stream).toList();
        return new Verdict(
                visibility.lost(history),
                visibility.resurrected(history),
                Duplicates.find(history, readable, clientView),
                OrderCycles.find(sequences),
                MonotonicReads.find(history),
                StaleAnswers.find(history),
                ConvergenceCheck.of(readable, unreadable, clientView),
                Counts.of(history));
    }
}
