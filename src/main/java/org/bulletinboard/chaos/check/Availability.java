package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the clients fared over a window [from, to] of a run: the operations that completed in [from, to), by
 * outcome, and the longest outage, the longest time within the window that one process went without an answer.
 * An answer is an operation completing ok or fail; info (the client gave up, or could not tell) is none. Each
 * process's answers split the window: an outage runs from the window's start, or from an answer in it, to the
 * process's next answer; after its last answer in the window it runs to the window's end if the process was
 * still waiting then (it had an operation invoked by the end that was still in flight, or gave up, after that
 * last answer). A process without operations counts for nothing; on a tie the first process by name is named.
 *
 * @param longestOutageProcess null when no process went without an answer for any time
 */
public record Availability(int ok, int fail, int info, long longestOutageNanos, String longestOutageProcess) {

    public static Availability of(List<Op> ops, long fromNanos, long toNanos) {
        Counts counts = Counts.of(ops.stream()
                .filter(op -> op.completedNanos() >= fromNanos && op.completedNanos() < toNanos).toList());
        Map<String, List<Op>> byProcess = new TreeMap<>();
        ops.forEach(op -> byProcess.computeIfAbsent(op.process(), process -> new ArrayList<>()).add(op));
        long longest = 0;
        String who = null;
        for (Map.Entry<String, List<Op>> process : byProcess.entrySet()) {
            long outage = longestOutage(process.getValue(), fromNanos, toNanos);
            if (outage > longest) {
                longest = outage;
                who = process.getKey();
            }
        }
        return new Availability(counts.ok(), counts.fail(), counts.info(), longest, who);
    }

    private static long longestOutage(List<Op> ops, long from, long to) {
        long[] answers = ops.stream().filter(op -> op.outcome() != Outcome.INFO).mapToLong(Op::completedNanos)
                .sorted().toArray();
        long since = from;
        long longest = 0;
        for (long answer : answers) {
            if (answer >= from && answer <= to) {
                longest = Math.max(longest, answer - since);
                since = answer;
            }
        }
        long lastAnswer = since;
        boolean waiting = ops.stream().anyMatch(op -> op.invokedNanos() <= to && op.completedNanos() > lastAnswer);
        return waiting ? Math.max(longest, to - lastAnswer) : longest;
    }
}
