package org.bulletinboard.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.support.FileTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event log's append path (JMH; not run by the tests): encoding an event as a JSON line, appending it, and a
 * durable append, alone and with 8 writers sharing fsyncs. The log lives in a temporary directory on the disk
 * the benchmark runs on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class EventLogBenchmark {
    private final AtomicLong seq = new AtomicLong();
    private Path dir;
    private EventLog log;
    private Event event;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("bbs-jmh-log");
        log = EventLog.open(dir, 0, EventLog.DEFAULT_SEGMENT_BYTES, (e, position) -> { });
        event = Event.post("bench-user-7", "general", "x".repeat(100)).withRequest("1cgca41vdzcr7-17")
                .stamped("server-1.k3f9a2", 1, 1, System.currentTimeMillis());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        FileTree.delete(dir);
    }

    private Event next() {
        long n = seq.incrementAndGet();
        return event.stamped(event.origin(), n, n, event.timestamp());
    }

    @Benchmark
    public byte[] encode() throws IOException {
        return EventLog.encode(List.of(next())).bytes();
    }

    @Benchmark
    public long append() throws IOException {
        EventLog.Lines line = EventLog.encode(List.of(next()));
        synchronized (this) {
            return log.append(line);
        }
    }

    @Benchmark
    public long durableAppend() throws IOException {
        return durable();
    }

    @Benchmark
    @Threads(8)
    public long durableAppendEightWriters() throws IOException {
        return durable();
    }

    private long durable() throws IOException {
        EventLog.Lines line = EventLog.encode(List.of(next()));
        long position;
        synchronized (this) { // the store serialises appends with its lock
            position = log.append(line);
        }
        log.sync(position);
        return position;
    }
}
