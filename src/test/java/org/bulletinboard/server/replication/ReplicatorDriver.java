package org.bulletinboard.server.replication;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.Event;
import org.zeromq.ZContext;

/**
 * Runs a {@link Replicator} on a loop of its own, as a server's loop does, for tests that drive it from their own
 * thread: what they ask is queued and done on the loop, which passes every millisecond.
 */
final class ReplicatorDriver implements AutoCloseable {
    private final Replicator replicator;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final RoleLoop loop;

    /**
     * A replicator to the given peers that resends every {@code resendInterval}, and gives a write up after
     * {@code ackTimeout}.
     */
    ReplicatorDriver(ZContext context, String self, List<Peer> peers, Duration resendInterval, Duration ackTimeout,
                     AckRule rule) {
        this.replicator = new Replicator(context, self, peers, Stamper.systemClock(), resendInterval, ackTimeout,
                Duration.ofHours(1), rule, nanos -> { }); // no pings: the scripted peers see only what a test sends
        this.loop = RoleLoop.start("server", self, "replicator", loop -> {
            try {
                while (loop.running()) {
                    Runnable command;
                    while ((command = commands.poll()) != null) {
                        command.run();
                    }
                    replicator.maintain();
                    replicator.receiveAcks();
                    LockSupport.parkNanos(1_000_000);
                }
            } finally {
                replicator.close();
            }
        });
    }

    /** Replicates one event; the future completes when the replicator is done with it: acknowledged, or given up. */
    CompletableFuture<Boolean> replicate(Event event) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        commands.add(() -> {
            replicator.replicate(event, done::complete);
            replicator.flush();
        });
        return done;
    }

    int peerCount() {
        return replicator.peerCount();
    }

    @Override
    public void close() {
        loop.close();
    }
}
