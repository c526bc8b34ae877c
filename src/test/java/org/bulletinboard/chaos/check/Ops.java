package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a history compactly: each operation takes the next index and the next 10 ns slot (invoked at 10 i,
 * completed at 10 i + 5) unless {@link #at} moves it. A write's request id is {@code r<index>}.
 */
final class Ops {
    private final List<Op> ops = new ArrayList<>();

    static Ops history() {
        return new Ops();
    }

    Ops ok(String process, Fn f, String key, String value) {
        return add(process, f, key, value, Outcome.OK, null, List.of(), false);
    }

    Ops fail(String process, Fn f, String key, String value, String error) {
        return add(process, f, key, value, Outcome.FAIL, error, List.of(), false);
    }

    Ops info(String process, Fn f, String key, String value) {
        return add(process, f, key, value, Outcome.INFO, "timeout", List.of(), false);
    }

    /** An ok read that returned the key's whole history. */
    Ops read(String process, Fn f, String key, String... values) {
        return add(process, f, key, null, Outcome.OK, null, List.of(values), true);
    }

    /** An ok read whose reply left older entries out. */
    Ops partialRead(String process, Fn f, String key, String... values) {
        return add(process, f, key, null, Outcome.OK, null, List.of(values), false);
    }

    /** Moves the last operation in time. */
    Ops at(long invokedNanos, long completedNanos) {
        Op last = ops.remove(ops.size() - 1);
        ops.add(new Op(last.index(), last.process(), last.f(), last.key(), last.value(), last.requestId(),
                invokedNanos, completedNanos, last.outcome(), last.error(), last.read(), last.complete()));
        return this;
    }

    List<Op> list() {
        return List.copyOf(ops);
    }

    private Ops add(String process, Fn f, String key, String value, Outcome outcome, String error, List<String> read,
                    boolean complete) {
        int index = ops.size();
        String request = f.isWrite() ? "r" + index : null;
        ops.add(new Op(index, process, f, key, value, request, 10L * index, 10L * index + 5, outcome, error, read,
                complete));
        return this;
    }
}
