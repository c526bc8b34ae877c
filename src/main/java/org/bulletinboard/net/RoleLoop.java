package org.bulletinboard.net;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One loop thread of a role, with its life cycle. It starts with the role and node in the logging context
 * ({@link RoleThreads}); its body asks {@link #running()} on every pass, which also records progress; and
 * {@link #close()} stops and joins it. Its health, for the role's {@code /healthz}, is one of: fine; dead (it
 * ended by an exception, or ended without being stopped); or stuck (no pass within its bound, which is longer than
 * anything it legitimately waits for). That is how a role reports a loop gone instead of looking alive without it.
 */
public final class RoleLoop implements AutoCloseable {
    /** Socket loops poll every 100 ms and serve a request in well under a second: ten seconds idle is stuck. */
    public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(10);

    private static final Set<RoleLoop> OPEN = ConcurrentHashMap.newKeySet();

    private final String role;
    private final String node;
    private final String purpose;
    private final long stuckAfterNanos;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stopping;
    private volatile String death;
    private final Thread thread;

    private RoleLoop(String role, String node, String purpose, Duration stuckAfter, Consumer<RoleLoop> body) {
        this.role = role;
        this.node = node;
        this.purpose = purpose;
        this.stuckAfterNanos = stuckAfter.toNanos();
        this.thread = RoleThreads.start(role, node, purpose, () -> {
            try {
                body.accept(this);
            } catch (RuntimeException | Error e) {
                death = e.toString();
                throw e;
            }
        });
        OPEN.add(this); // once it has a thread to ask about; a death before this is kept in the death field
    }

    public static RoleLoop start(String role, String node, String purpose, Consumer<RoleLoop> body) {
        return new RoleLoop(role, node, purpose, DEFAULT_STUCK_AFTER, body);
    }

    /** For a loop that waits longer than the default between passes (a timer, a long exchange). */
    public static RoleLoop start(String role, String node, String purpose, Duration stuckAfter, Consumer<RoleLoop> body) {
        return new RoleLoop(role, node, purpose, stuckAfter, body);
    }

    /** Whether the loop goes on; asked once a pass, it also records that the loop makes progress. */
    public boolean running() {
        progress();
        return !stopping && !Thread.currentThread().isInterrupted();
    }

    /** Records progress within a long pass (a page of many, a round of several requests). */
    public void progress() {
        lastProgress = System.nanoTime();
    }

    /** Whether the loop has been asked to stop; unlike {@link #running()}, safe to ask from any thread. */
    public boolean stopping() {
        return stopping;
    }

    /** What is wrong with this loop, if anything, in a few words for {@code /healthz}. */
    public Optional<String> problem() {
        if (death != null) {
            return Optional.of(purpose + " thread died: " + death);
        }
        if (!thread.isAlive()) {
            return stopping ? Optional.empty() : Optional.of(purpose + " thread ended");
        }
        long idleNanos = System.nanoTime() - lastProgress;
        return idleNanos > stuckAfterNanos
                ? Optional.of(purpose + " thread stuck for " + idleNanos / 1_000_000 + " ms")
                : Optional.empty();
    }

    /** The problems of every open loop of {@code role} on {@code node}. */
    public static List<String> problems(String role, String node) {
        return OPEN.stream().filter(loop -> loop.role.equals(role) && loop.node.equals(node))
                .map(RoleLoop::problem).flatMap(Optional::stream).sorted().toList();
    }

    /** Waits until the loop ends by itself (a finite one). */
    public void awaitEnd() throws InterruptedException {
        thread.join();
    }

    /** Asks the loop to stop without waiting for it. */
    public void stop() {
        stopping = true;
    }

    /** Stops the loop and waits for it; it polls with a bounded timeout, so this is quick. */
    @Override
    public void close() {
        stop();
        RoleThreads.join(thread);
        OPEN.remove(this);
    }
}
