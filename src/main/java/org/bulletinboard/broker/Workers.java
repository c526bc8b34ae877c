package org.bulletinboard.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.zeromq.ZFrame;

/**
 * The workers the broker knows: when each was last heard from, how many requests each may hold at once, and the
 * requests each holds. A classic Paranoid Pirate worker holds one; a worker that announced a capacity holds up to
 * that many, each under a tag the broker gives it, which its reply carries back. Requests are packed: a request
 * goes to the ready worker with room that holds the most among those holding fewer than {@code pack}, and only
 * once each holds that many to the one that holds the fewest; the least recently used among equals (used: made
 * ready, given a request, or, for a classic worker, done with one), so classic workers, and requests one at a time,
 * go round every worker. Packing is group commit across the cluster: a server's pass serves, makes durable and
 * replicates all it holds at once, so requests held together by one server cost one fsync and one batch to each
 * peer, where spread over three servers they cost three of each, and every server does the peers' part of every
 * write anyway. A worker that stays silent past the expiry is forgotten, and the requests it held are handed back,
 * so they can go to another.
 * Owned by the broker's thread.
 */
final class Workers {
    /** A worker as {@link #heard} returns it, for the calls about the message it just sent. */
    static final class Worker {
        private final ZFrame identity;
        long lastHeardNanos;
        boolean ready;
        int capacity = 1;
        boolean tagged;
        long lastUsed;
        final Map<Long, ClientRequest> inFlight = new HashMap<>();

        Worker(ZFrame identity, long now) {
            this.identity = identity;
            this.lastHeardNanos = now;
        }

        private boolean hasRoom() {
            return ready && inFlight.size() < capacity;
        }

        boolean isReady() {
            return ready;
        }

        boolean isTagged() {
            return tagged;
        }
    }

    /** A request slot just taken on a worker, and the tag to send with it (tagged workers only). */
    record Lease(Worker worker, long tag) {
        /** Where to send. */
        ZFrame identity() {
            return worker.identity;
        }

        boolean tagged() {
            return worker.tagged;
        }
    }

    /** A worker's ZeroMQ routing id as a map key, compared by content (a hex string per message was garbage). */
    private record Identity(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** What {@link #expire} did: how many workers it forgot, and the requests they were working on. */
    record Expiry(int forgotten, List<ClientRequest> orphaned) {}

    private final long expiryNanos;
    private final int pack;
    private final Map<Identity, Worker> known = new HashMap<>();
    /** Counts readies, hand-outs and classic replies: which worker was used least recently. */
    private long uses;
    private long nextTag = 1;

    /** @param pack requests packed onto one worker before the next is given any (1: always the least loaded) */
    Workers(long expiryNanos, int pack) {
        this.expiryNanos = expiryNanos;
        this.pack = pack;
    }

    /** Records that a worker spoke; returns it, known from now on (new if it was not). */
    Worker heard(ZFrame identity, long now) {
        Worker worker = known.computeIfAbsent(new Identity(identity.getData()),
                key -> new Worker(identity.duplicate(), now));
        worker.lastHeardNanos = now;
        return worker;
    }

    /**
     * Marks a (just heard) worker ready for requests: one at a time, untagged, if {@code capacity} is 0 (a
     * classic worker, which also drops whatever it held: it says READY only when it starts); else up to
     * {@code capacity} at once, tagged.
     */
    void ready(Worker worker, int capacity) {
        worker.ready = true;
        worker.lastUsed = ++uses;
        worker.tagged = capacity > 0;
        worker.capacity = Math.max(1, capacity);
        if (!worker.tagged) {
            worker.inFlight.values().forEach(request -> request.message().destroy());
            worker.inFlight.clear();
        }
    }

    /**
     * Ends a request the worker answered (tag 0 for a classic worker) and returns it, its message released; null if
     * the worker no longer held it (the request went to another worker meanwhile, so the reply is late and must be
     * dropped).
     */
    ClientRequest replied(Worker worker, long tag) {
        ClientRequest done = worker.inFlight.remove(tag);
        if (done == null) {
            return null;
        }
        done.message().destroy();
        if (!worker.tagged) {
            worker.lastUsed = ++uses; // a classic worker is idle again only now
        }
        return done;
    }

    /** Takes a slot on the ready worker with room that {@link #fitter} picks; null if none has room. */
    Lease take() {
        Worker best = null;
        for (Worker worker : known.values()) {
            if (worker.hasRoom() && (best == null || fitter(worker, best))) {
                best = worker;
            }
        }
        if (best == null) {
            return null;
        }
        best.lastUsed = ++uses;
        return new Lease(best, best.tagged ? nextTag++ : 0);
    }

    /**
     * Whether {@code a} should get the next request rather than {@code b}: among workers holding fewer than
     * {@code pack} requests, the one that holds the most; once every one holds that many, the one that holds the
     * fewest; the least recently used among equals (so one request at a time goes round every worker).
     */
    private boolean fitter(Worker a, Worker b) {
        int held = a.inFlight.size();
        int other = b.inFlight.size();
        boolean packing = held < pack;
        if (packing != other < pack) {
            return packing;
        }
        if (held != other) {
            return packing == held > other;
        }
        return a.lastUsed < b.lastUsed;
    }

    /** Records the request sent under a lease from {@link #take}. */
    void busy(Lease lease, ClientRequest request) {
        lease.worker().inFlight.put(lease.tag(), request);
    }

    boolean hasRoom() {
        return withRoom() > 0;
    }

    /** Workers with room for another request. */
    int withRoom() {
        int count = 0;
        for (Worker worker : known.values()) {
            if (worker.hasRoom()) {
                count++;
            }
        }
        return count;
    }

    /** Forgets a worker; returns the requests it held. */
    List<ClientRequest> remove(ZFrame identity) {
        Worker worker = known.remove(new Identity(identity.getData()));
        return worker == null ? List.of() : new ArrayList<>(worker.inFlight.values());
    }

    /** Forgets workers not heard from within the expiry. */
    Expiry expire(long now) {
        int forgotten = 0;
        List<ClientRequest> orphaned = new ArrayList<>();
        for (Iterator<Worker> it = known.values().iterator(); it.hasNext(); ) {
            Worker worker = it.next();
            if (now - worker.lastHeardNanos > expiryNanos) {
                it.remove();
                forgotten++;
                orphaned.addAll(worker.inFlight.values());
            }
        }
        return new Expiry(forgotten, orphaned);
    }

    List<ZFrame> identities() {
        return known.values().stream().map(w -> w.identity.duplicate()).toList();
    }

    int size() {
        return known.size();
    }
}
