package org.bulletinboard.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.chaos.check.Fn;
import org.bulletinboard.chaos.check.Op;
import org.bulletinboard.chaos.check.Outcome;

/**
 * Every client operation of a run, as Jepsen records it: an {@code invoke} line when a client starts it, then an
 * {@code ok}, {@code fail} or {@code info} line when it ends, each with the time since the run began, written to a
 * JSON-lines file as they happen; and the completed operations in memory, for the checker. Thread-safe.
 */
final class History implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An operation under way. */
    record Invocation(int index, String process, Fn f, String key, String value, String requestId, long invokedNanos) {}

    private final long startNanos;
    private final BufferedWriter file;
    private final List<Op> completed = new ArrayList<>();
    /** When each process was last answered (ok or fail), in nanoTime. */
    private final Map<String, Long> lastAnswer = new HashMap<>();
    private int next;

    History(Path file, long startNanos) throws IOException {
        this.startNanos = startNanos;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    synchronized Invocation invoke(String process, Fn f, String key, String value, String requestId) {
        Invocation invocation = new Invocation(next++, process, f, key, value, requestId, System.nanoTime());
        Map<String, Object> line = line(invocation.index(), process, "invoke", f, invocation.invokedNanos());
        putIfPresent(line, "key", key);
        putIfPresent(line, "value", value);
        putIfPresent(line, "request_id", requestId);
        write(line);
        return invocation;
    }

    /**
     * @param read     an ok read's values, oldest first
     * @param complete whether an ok read returned the key's whole history
     */
    synchronized Op complete(Invocation invocation, Outcome outcome, String error, List<String> read, boolean complete) {
        Op op = new Op(invocation.index(), invocation.process(), invocation.f(), invocation.key(), invocation.value(),
                invocation.requestId(), invocation.invokedNanos(), System.nanoTime(), outcome, error, read, complete);
        completed.add(op);
        if (outcome != Outcome.INFO) {
            lastAnswer.put(op.process(), op.completedNanos());
        }
        Map<String, Object> line = line(op.index(), op.process(), outcome.name().toLowerCase(), op.f(),
                op.completedNanos());
        putIfPresent(line, "value", op.value());
        putIfPresent(line, "error", error);
        if (op.isOkRead()) {
            line.put("read", op.read());
            line.put("complete", complete);
        }
        write(line);
        return op;
    }

    /** The operations completed so far, in the order they completed. */
    synchronized List<Op> completed() {
        return List.copyOf(completed);
    }

    /** When {@code process} was last answered (ok or fail), in nanoTime; null if never. */
    synchronized Long lastAnswer(String process) {
        return lastAnswer.get(process);
    }

    /** Nanoseconds since the run began, as the history's times are given. */
    long sinceStart(long nanos) {
        return nanos - startNanos;
    }

    private Map<String, Object> line(int index, String process, String type, Fn f, long nanos) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("index", index);
        line.put("time", sinceStart(nanos));
        line.put("process", process);
        line.put("type", type);
        line.put("f", f.service());
        return line;
    }

    private static void putIfPresent(Map<String, Object> line, String key, Object value) {
        if (value != null) {
            line.put(key, value);
        }
    }

    private void write(Map<String, Object> line) {
        try {
            file.write(JSON.writeValueAsString(line));
            file.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the history", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
