package org.bulletinboard.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What one publish request costs to encode and to decode (JMH; not run by the tests). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private Envelope publish;
    private byte[] encoded;

    @Setup
    public void setUp() throws ProtocolException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", "bench-user-7");
        data.put("channel", "general");
        data.put("message", "x".repeat(100));
        data.put("request_id", "1cgca41vdzcr7-17");
        data.put("timestamp", 1795379297.247);
        data.put("clock", 42L);
        publish = new Envelope(Services.PUBLISH, data);
        encoded = publish.encode();
        Envelope.decode(encoded);
    }

    @Benchmark
    public byte[] encodePublish() {
        return publish.encode();
    }

    @Benchmark
    public Envelope decodePublish() throws ProtocolException {
        return Envelope.decode(encoded);
    }
}
