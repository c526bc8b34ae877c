package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulletinboard.support.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class RoleLoopTest {
    /** Far longer than any wait below: a poll that ends within the test ended because it was woken. */
    private static final long LONG_POLL_MILLIS = 600_000;

    private final ZContext context = Sockets.roleContext();
    private final AtomicInteger passes = new AtomicInteger();

    @AfterEach
    void closeContext() {
        context.close();
    }

    private RoleLoop pollingLoop() {
        return RoleLoop.start("test", "test", "poll", loop -> {
            ZMQ.Socket socket = Sockets.create(context, SocketType.PULL);
            try (LoopPoller poller = loop.newPoller()) {
                poller.register(socket);
                while (loop.running()) {
                    loop.poll(poller, LONG_POLL_MILLIS);
                    passes.incrementAndGet();
                }
            } finally {
                socket.close();
            }
        });
    }

    @Test
    void aWakeEndsOnePollAndTheNextOneWaitsAgain() {
        try (RoleLoop loop = pollingLoop()) {
            loop.wake();
            secondWakeEndsOneMorePoll(loop);
        }
    }

    @Test
    void anInterruptedCallerWakesTheLoopWithoutBreakingItsWakeUp() {
        try (RoleLoop loop = pollingLoop()) {
            Thread.currentThread().interrupt();
            loop.wake();
            assertTrue(Thread.interrupted(), "the caller keeps its interrupt");
            secondWakeEndsOneMorePoll(loop);
        }
    }

    /** After a first wake: it ended one poll, a second ends one more, and the pipe does not stay readable. */
    private void secondWakeEndsOneMorePoll(RoleLoop loop) {
        Await.until(Duration.ofSeconds(10), "the woken poll to end", () -> passes.get() >= 1);
        loop.wake();
        Await.until(Duration.ofSeconds(10), "the second wake to end the next poll", () -> passes.get() >= 2);
        // Had the wake-up stayed readable (not read, or its pipe closed), the loop would spin through thousands of
        // passes by now.
        assertTrue(passes.get() <= 3, "passes after two wakes: " + passes.get());
    }

    @Test
    void stopEndsALongPollAtOnce() {
        RoleLoop loop = pollingLoop();
        loop.stop();
        assertTimeoutPreemptively(Duration.ofSeconds(10), loop::awaitEnd, "the loop to end within its poll");
        assertTrue(loop.problem().isEmpty(), "a stopped loop has no problem: " + loop.problem());
        loop.close();
    }
}
