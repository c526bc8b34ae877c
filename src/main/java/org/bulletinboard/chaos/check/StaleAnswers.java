package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Answers that were out of date when given, though not wrong for an eventually consistent board: a refusal saying
 * a channel or user does not exist after its creation was acknowledged, and a client's complete read that lacks
 * one of the client's own acknowledged writes to that list (read-your-writes).
 */
final class StaleAnswers {
    private static final Pattern DOES_NOT_EXIST = Pattern.compile("(channel|user) '(.*)' does not exist");
    /** Own writes named per read. */
    private static final int MAX_LISTED = 5;

    private record ClientList(String process, String key) {
    }

    private StaleAnswers() {
    }

    /** @param history in index order */
    static List<Stale> find(List<Op> history) {
        Map<String, Op> channels = firstAcknowledged(history, Fn.CHANNEL);
        Map<String, Op> users = firstAcknowledged(history, Fn.LOGIN);
        Map<ClientList, List<Op>> ownWrites = new HashMap<>();
        List<Stale> found = new ArrayList<>();
        for (Op op : history) {
            if (op.outcome() == Outcome.FAIL && op.error() != null) {
                Matcher refusal = DOES_NOT_EXIST.matcher(op.error());
                if (refusal.find()) {
                    Op creation = (refusal.group(1).equals("channel") ? channels : users).get(refusal.group(2));
                    if (creation != null && creation.completedNanos() < op.invokedNanos()) {
                        found.add(new Stale(op.index(), op.process(), refusal.group() + ", though op "
                                + creation.index() + " (" + creation.process() + ") created it "
                                + millis(op.invokedNanos() - creation.completedNanos()) + " before this op began"));
                    }
                }
            } else if (op.isOkWrite() && ListKey.ofWrite(op) != null) {
                ownWrites.computeIfAbsent(new ClientList(op.process(), ListKey.ofWrite(op)), list -> new ArrayList<>())
                        .add(op);
            } else if (op.isOkRead() && op.complete()) {
                List<Op> lacking = lackingOwnWrites(op, ownWrites.getOrDefault(
                        new ClientList(op.process(), ListKey.ofRead(op)), List.of()));
                if (!lacking.isEmpty()) {
                    found.add(new Stale(op.index(), op.process(), describe(op, lacking)));
                }
            }
        }
        return found;
    }

    private static Map<String, Op> firstAcknowledged(List<Op> history, Fn creation) {
        Map<String, Op> first = new HashMap<>();
        for (Op op : history) {
            if (op.f() == creation && op.outcome() == Outcome.OK) {
                first.merge(op.value(), op, (a, b) -> a.completedNanos() <= b.completedNanos() ? a : b);
            }
        }
        return first;
    }

    private static List<Op> lackingOwnWrites(Op read, List<Op> writes) {
        if (writes.isEmpty()) {
            return List.of();
        }
        Set<String> returned = new HashSet<>(read.read());
        return writes.stream().filter(write -> write.completedNanos() < read.invokedNanos())
                .filter(write -> !returned.contains(write.value())).toList();
    }

    private static String describe(Op read, List<Op> lacking) {
        String listed = lacking.stream().limit(MAX_LISTED).map(write -> write.value() + " (op " + write.index() + ")")
                .collect(Collectors.joining(", "));
        return ListKey.describe(ListKey.ofRead(read)) + " lacks " + lacking.size() + " of " + read.process()
                + "'s own acknowledged writes: " + listed + (lacking.size() > MAX_LISTED ? ", ..." : "");
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
