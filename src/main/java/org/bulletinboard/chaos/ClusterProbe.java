package org.bulletinboard.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bulletinboard.chaos.check.ObservedBoard;
import org.bulletinboard.chaos.check.ServerState;
import org.bulletinboard.chaos.cluster.ChaosCluster;
import org.bulletinboard.chaos.cluster.RoleJvm;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.zeromq.ZContext;

/**
 * The checker's look at the cluster, bypassing every relay: whether a server answers and is ready, whether the
 * cluster is quiet (every role up, every server ready and holding the same events), and what each server holds.
 */
final class ClusterProbe {
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 100;

    /** What the servers held at one moment: each readable server's state, and why the others could not be read. */
    record Reading(List<ServerState> servers, Map<String, String> unreadable) {}

    private final ChaosCluster cluster;
    private final ZContext context;

    ClusterProbe(ChaosCluster cluster, ZContext context) {
        this.cluster = cluster;
        this.context = context;
    }

    /** The server's own status row (ready, events, digest), if it answers on its socket for peers. */
    Optional<Map<String, Object>> status(String server) {
        try (RoleCaller caller = new RoleCaller(context, cluster.peerEndpoint(server), STATUS_TIMEOUT, 1)) {
            return Optional.of(caller.call(Services.STATUS, Map.of()));
        } catch (RequestTimeoutException | ProtocolException e) {
            return Optional.empty();
        }
    }

    /** Waits until the server answers, at most {@code bound}; whether it did. */
    boolean awaitAnswering(String server, Duration bound) {
        return awaitUntil(bound, () -> status(server).isPresent());
    }

    /** The highest Lamport clock of the servers that answer now; 0 if none does. */
    long highestLamport() {
        return cluster.serverNames().stream().map(this::status).flatMap(Optional::stream)
                .mapToLong(row -> row.get("clock") instanceof Long lamport ? lamport : 0).max().orElse(0);
    }

    /** Waits until some server's Lamport clock is beyond {@code clock}, at most {@code bound}; whether one was. */
    boolean awaitLamportBeyond(long clock, Duration bound) {
        return awaitUntil(bound, () -> highestLamport() > clock);
    }

    /**
     * Waits until every role runs and every server is ready and holds the same events as the others, at most
     * {@code bound}; how long that took, or empty if it was not quiet in time.
     */
    Optional<Duration> awaitQuiet(Duration bound) {
        long started = System.nanoTime();
        return awaitUntil(bound, this::quiet)
                ? Optional.of(Duration.ofNanos(System.nanoTime() - started)) : Optional.empty();
    }

    private boolean quiet() {
        if (!cluster.roles().stream().allMatch(RoleJvm::isAlive)) {
            return false;
        }
        Set<Object> digests = new HashSet<>();
        for (String server : cluster.serverNames()) {
            Optional<Map<String, Object>> row = status(server);
            if (row.isEmpty() || !Boolean.TRUE.equals(row.get().get("ready"))) {
                return false;
            }
            digests.add(row.get().get("events") + "/" + row.get().get("digest"));
        }
        return digests.size() == 1;
    }

    /** Every server's log, and with {@code boards} its board too, with the inboxes of {@code inboxUsers}. */
    Reading read(boolean boards, Set<String> inboxUsers) {
        List<ServerState> states = new ArrayList<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (String server : cluster.serverNames()) {
            try (RoleCaller caller = new RoleCaller(context, cluster.peerEndpoint(server), READ_TIMEOUT, 1)) {
                BoardReader.Held held = BoardReader.events(caller);
                ObservedBoard board = boards ? BoardReader.board(server, caller, inboxUsers) : null;
                states.add(new ServerState(server, held.events(), held.folded(), board));
            } catch (RequestTimeoutException | ProtocolException e) {
                unreadable.put(server, e.getMessage());
            }
        }
        return new Reading(states, unreadable);
    }

    /** The board as clients see it through the broker; empty, with the reason logged by the caller, if it fails. */
    ObservedBoard clientView(Set<String> inboxUsers) throws RequestTimeoutException, ProtocolException {
        try (RoleCaller caller = new RoleCaller(context, cluster.clientEndpoint(), READ_TIMEOUT, 3)) {
            return BoardReader.board("clients", caller, inboxUsers);
        }
    }

    private static boolean awaitUntil(Duration bound, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS); // the poll interval of a wait with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
