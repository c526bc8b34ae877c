package org.bulletinboard.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
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
 *
 * <p>A loop that waits on its sockets does so through {@link #poll}, on a {@link LoopPoller} that also holds a pipe
 * which {@link #wake} and {@link #stop} write to from any thread: so an idle loop sleeps for
 * {@link #IDLE_POLL_MILLIS} between passes (or until its next timer), instead of waking ten times a second to look at
 * its stop flag, and still stops at once.
 */
public final class RoleLoop implements AutoCloseable {
    /**
     * Socket loops pass at least every {@link #IDLE_POLL_MILLIS} and serve a request in well under a second: ten
     * seconds idle is stuck.
     */
    public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(10);
    /**
     * The longest a loop with nothing to do blocks in {@link #poll}: on this project's 2-vCPU VM every wake-up of an
     * idle thread costs 0.1 to 0.4 ms of CPU, so idle loops wake as seldom as their timers allow.
     */
    public static final long IDLE_POLL_MILLIS = 2_000;

    private static final Set<RoleLoop> OPEN = ConcurrentHashMap.newKeySet();

    private final String role;
    private final String node;
    private final String purpose;
    private final long stuckAfterNanos;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stopping;
    private volatile String death;
    /** Written to by {@link #wake}; its reading end sits in the loop's poller. */
    private final Pipe wakePipe;
    /** The poller the loop polls through {@link #poll}, and where the pipe sits in it. Loop thread only. */
    private LoopPoller wakePoller;
    private int wakeIndex;
    private final Thread thread;

    private RoleLoop(String role, String node, String purpose, Duration stuckAfter, Consumer<RoleLoop> body) {
        this.role = role;
        this.node = node;
        this.purpose = purpose;
        this.stuckAfterNanos = stuckAfter.toNanos();
        this.wakePipe = openWakePipe();
        this.thread = RoleThreads.start(role, node, purpose, () -> {
            try {
                body.accept(this);
            } catch (RuntimeException | Error e) {
                death = e.toString();
                throw e;
            } finally {
                closeWakePipe();
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

    /**
     * Polls {@code poller} for up to {@code timeoutMillis}, returning early on {@link #wake} or {@link #stop} as well
     * as on the poller's own events. The poller must be this loop's latest from {@link #newPoller}. Loop thread only.
     */
    public void poll(LoopPoller poller, long timeoutMillis) {
        if (poller != wakePoller) {
            throw new IllegalStateException("poll through this loop's latest poller, which holds its wake-up");
        }
        poller.poll(timeoutMillis);
        if (poller.channelReadable(wakeIndex)) {
            drainWakePipe();
        }
    }

    /**
     * A poller for the loop's sockets that holds the loop's wake-up, so that {@link #poll} on it returns when the loop
     * is woken; it replaces any earlier one. The caller registers its sockets and closes it. Loop thread only.
     */
    public LoopPoller newPoller() {
        LoopPoller poller = new LoopPoller();
        wakeIndex = poller.register(wakePipe.source());
        wakePoller = poller;
        return poller;
    }

    /**
     * Ends the loop's current (or next) {@link #poll} early, from any thread: for news its sockets do not bring, such
     * as a changed peer list. Wake-ups before the loop polls are kept.
     */
    public void wake() {
        try {
            wakePipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        } catch (IOException e) {
            // closed: the loop has ended, so there is nothing left to wake; or full: it will wake anyway
        }
    }

    private static Pipe openWakePipe() {
        try {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            // Non-blocking also means that a write from an interrupted thread leaves it open (a blocking channel
            // would close for good, and its reading end, forever readable, would make the loop spin).
            pipe.sink().configureBlocking(false);
            return pipe;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loop's wake-up pipe", e);
        }
    }

    /** Reads away the wake-ups, so that the next poll blocks again. */
    private void drainWakePipe() {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        try {
            while (wakePipe.source().read(buffer) > 0) {
                buffer.clear();
            }
        } catch (IOException e) {
            // closed at the loop's end
        }
    }

    private void closeWakePipe() {
        try {
            wakePipe.sink().close();
            wakePipe.source().close();
        } catch (IOException e) {
            // nothing to do at the end of the loop
        }
    }

    /** Waits until the loop ends by itself (a finite one). */
    public void awaitEnd() throws InterruptedException {
        thread.join();
    }

    /** Asks the loop to stop without waiting for it; wakes it if it waits in {@link #poll}. */
    public void stop() {
        stopping = true;
        wake();
    }

    /** Stops the loop and waits for it; it is woken, or polls with a bounded timeout, so this is quick. */
    @Override
    public void close() {
        stop();
        RoleThreads.join(thread);
        OPEN.remove(this);
    }
}
