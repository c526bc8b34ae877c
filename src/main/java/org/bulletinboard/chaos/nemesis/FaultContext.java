package org.bulletinboard.chaos.nemesis;

import java.time.Duration;
import java.util.Random;
import org.bulletinboard.chaos.cluster.ChaosCluster;

/** What a nemesis works with: the cluster, the run's random draws (so a seed repeats a run), and the run's timings. */
public interface FaultContext {
    ChaosCluster cluster();

    Random random();

    /** How long the reference server waits for a server's heartbeat before it drops it from the live list. */
    Duration heartbeatTimeout();

    /** Sends a client request through the broker stamped with this Lamport clock, recorded in the history. */
    void sendClock(long clock);

    /** The highest Lamport clock of the servers that answer now. */
    long highestLamport();

    /** Waits until some server's Lamport clock is beyond {@code clock}, at most {@code bound}; whether one was. */
    boolean awaitLamportBeyond(long clock, Duration bound);

    /** Waits until a server answers on its socket for peers, at most {@code bound}; whether it did. */
    boolean awaitAnswering(String server, Duration bound);
}
