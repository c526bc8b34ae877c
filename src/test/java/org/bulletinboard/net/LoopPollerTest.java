package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class LoopPollerTest {
    /** Far longer than the test's own bound: a poll that returns within it returned because of input. */
    private static final long LONG_POLL_MILLIS = 600_000;

    private final ZContext context = Sockets.roleContext();

    @AfterEach
    void closeContext() {
        context.close();
    }

    @Test
    void returnsWhenAMessageArrivesAndTellsWhichSocketHasIt() throws Exception {
        ZMQ.Socket quiet = Sockets.create(context, SocketType.PULL);
        ZMQ.Socket pull = Sockets.create(context, SocketType.PULL);
        pull.bind("inproc://loop-poller-arrives");
        try (LoopPoller poller = new LoopPoller()) {
            poller.register(quiet);
            int index = poller.register(pull);
            Thread sender = new Thread(() -> {
                try (ZContext senderContext = Sockets.roleContext()) {
                    ZMQ.Socket push = Sockets.create(senderContext, SocketType.PUSH);
                    push.setLinger(1_000);
                    push.connect("inproc://loop-poller-arrives");
                    push.send("hello");
                }
            });
            sender.start();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (poller.poll(LONG_POLL_MILLIS) == 0) {
                    // a signal that brought only commands (the connection): poll again
                }
            });
            sender.join();
            assertTrue(poller.pollin(index));
            assertFalse(poller.pollin(0), "the other socket has nothing");
            assertEquals("hello", pull.recvStr(ZMQ.DONTWAIT));
        }
    }

    @Test
    void aMessageLeftWaitingIsReportedAgainWithoutBlocking() {
        ZMQ.Socket pull = Sockets.create(context, SocketType.PULL);
        pull.bind("inproc://loop-poller-waiting");
        ZMQ.Socket push = Sockets.create(context, SocketType.PUSH);
        push.connect("inproc://loop-poller-waiting");
        push.send("one");
        push.send("two");
        try (LoopPoller poller = new LoopPoller()) {
            int index = poller.register(pull);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertEquals(1, poller.poll(LONG_POLL_MILLIS));
                assertEquals("one", pull.recvStr(ZMQ.DONTWAIT));
                assertEquals(1, poller.poll(LONG_POLL_MILLIS), "the second message is still there");
            });
            assertTrue(poller.pollin(index));
            assertEquals("two", pull.recvStr(ZMQ.DONTWAIT));
        }
    }
}
