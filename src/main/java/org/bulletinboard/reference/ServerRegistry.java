package org.bulletinboard.reference;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.bulletinboard.protocol.ProtocolException;

/**
 * Ranks and liveness of servers. A name keeps its rank for the registry's lifetime, also while it is not
 * live; a server that misses heartbeats for the timeout drops out of the live list until it beats again. A server
 * may claim a rank (ours derive theirs from the configured names, so a restarted reference server hands each the
 * rank it had): it gets it unless another live server holds it, and a silent holder moves to a new rank. The
 * registry holds at most {@link #CAPACITY} names: to make room, the one silent longest is forgotten (it gets a new
 * rank if it ever comes back), and while every name is live a new one is refused, so no stream of made-up names
 * can grow it without bound.
 */
final class ServerRegistry {
    static final int CAPACITY = 1024;

    record LiveServer(String name, int rank, String address) {}

    private static final class Registration {
        int rank;
        String address;
        long lastSeenNanos;

        Registration(int rank) {
            this.rank = rank;
        }
    }

    private final Map<String, Registration> byName = new HashMap<>();
    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    private int nextRank = 1;

    ServerRegistry(Duration heartbeatTimeout, LongSupplier nanoTime) {
        this.timeoutNanos = heartbeatTimeout.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Registers or refreshes a server (rank and heartbeat both do); returns its rank, the one it claims (if above 0)
     * when no other live server holds that.
     */
    synchronized int touch(String name, String address, int claimed) throws ProtocolException {
        if (!byName.containsKey(name) && byName.size() >= CAPACITY) {
            forgetSilentLongest();
        }
        long now = nanoTime.getAsLong();
        Registration registration = byName.get(name);
        if (claimed > 0 && (registration == null || registration.rank != claimed)) {
            Registration holder = byName.values().stream().filter(r -> r.rank == claimed).findFirst().orElse(null);
            if (holder == null || !isLive(holder, now)) {
                nextRank = Math.max(nextRank, claimed + 1);
                if (holder != null) {
                    holder.rank = nextRank++;
                }
                if (registration == null) {
                    registration = new Registration(claimed);
                    byName.put(name, registration);
                } else {
                    registration.rank = claimed;
                }
            }
        }
        if (registration == null) {
            registration = new Registration(nextRank++);
            byName.put(name, registration);
        }
        if (address != null) {
            registration.address = address;
        }
        registration.lastSeenNanos = now;
        return registration.rank;
    }

    private boolean isLive(Registration registration, long now) {
        return now - registration.lastSeenNanos <= timeoutNanos;
    }

    private void forgetSilentLongest() throws ProtocolException {
        long now = nanoTime.getAsLong();
        Map.Entry<String, Registration> silent = byName.entrySet().stream()
                .min(Comparator.comparingLong(e -> e.getValue().lastSeenNanos)).orElseThrow();
        if (now - silent.getValue().lastSeenNanos <= timeoutNanos) {
            throw new ProtocolException("the reference server already knows " + CAPACITY + " live servers");
        }
        byName.remove(silent.getKey());
    }

    /** Takes a server off the live list at once (it keeps its rank); returns false if it was not live. */
    synchronized boolean leave(String name) {
        Registration registration = byName.get(name);
        if (registration == null || nanoTime.getAsLong() - registration.lastSeenNanos > timeoutNanos) {
            return false;
        }
        registration.lastSeenNanos = nanoTime.getAsLong() - timeoutNanos - 1;
        return true;
    }

    synchronized boolean isKnown(String name) {
        return byName.containsKey(name);
    }

    /** How many servers are live now (read from the metrics thread, so it only reads). */
    synchronized int liveCount() {
        return live().size();
    }

    synchronized List<LiveServer> live() {
        long now = nanoTime.getAsLong();
        return byName.entrySet().stream()
                .filter(e -> now - e.getValue().lastSeenNanos <= timeoutNanos)
                .map(e -> new LiveServer(e.getKey(), e.getValue().rank, e.getValue().address))
                .sorted(Comparator.comparingInt(LiveServer::rank))
                .toList();
    }
}
