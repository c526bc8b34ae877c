package org.bulletinboard.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers' waits for fsyncs of their logs, summed over servers, from their own timers: how many, how long in
 * all, and how many took longer than {@link #SLOW} and {@link #STALLED}. Every write waits for an fsync on each
 * server that acknowledges it, so a disk that stalls shows here before it shows in a latency percentile.
 *
 * @param fsyncs -1 where the servers' timers cannot be read (a cluster in other processes)
 */
public record DiskWaits(long fsyncs, long waitedNanos, long slow, long stalled) {
    /** Bucket bounds of the servers' fsync timer (health.RequestMetrics.BUCKETS), so the counts are exact. */
    public static final Duration SLOW = Duration.ofMillis(5);
    public static final Duration STALLED = Duration.ofMillis(10);
    static final DiskWaits NONE = new DiskWaits(-1, -1, -1, -1);

    /** The sums of {@code timers}, each with {@link #SLOW} and {@link #STALLED} among its bucket bounds. */
    static DiskWaits of(List<Timer> timers) {
        long fsyncs = 0;
        long waited = 0;
        long slow = 0;
        long stalled = 0;
        for (Timer timer : timers) {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            fsyncs += snapshot.count();
            waited += (long) snapshot.total(TimeUnit.NANOSECONDS);
            slow += snapshot.count() - countUpTo(snapshot, SLOW, timer);
            stalled += snapshot.count() - countUpTo(snapshot, STALLED, timer);
        }
        return new DiskWaits(fsyncs, waited, slow, stalled);
    }

    /** Those of the snapshot that took at most {@code bound}, which must be one of its bucket bounds. */
    private static long countUpTo(HistogramSnapshot snapshot, Duration bound, Timer timer) {
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            if ((long) bucket.bucket(TimeUnit.NANOSECONDS) == bound.toNanos()) {
                return (long) bucket.count();
            }
        }
        throw new IllegalArgumentException(timer.getId().getName() + " has no bucket bound at " + bound);
    }

    boolean known() {
        return fsyncs >= 0;
    }

    /** The mean wait for one fsync, in ms; 0 with none. */
    double meanWaitMillis() {
        return fsyncs == 0 ? 0 : waitedNanos / 1e6 / fsyncs;
    }

    /** What was waited between {@code before} and this reading. */
    DiskWaits since(DiskWaits before) {
        return !known() || !before.known() ? NONE : new DiskWaits(fsyncs - before.fsyncs,
                waitedNanos - before.waitedNanos, slow - before.slow, stalled - before.stalled);
    }
}
