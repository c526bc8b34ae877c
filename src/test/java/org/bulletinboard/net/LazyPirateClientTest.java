package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class LazyPirateClientTest {
    private ZContext context;
    private String endpoint;

    @BeforeEach
    void setUp() {
        context = new ZContext();
        endpoint = "tcp://127.0.0.1:" + FreePorts.block(1);
    }

    @AfterEach
    void tearDown() {
        context.close();
    }

    @Test
    void retriesOnAFreshSocketUntilALateServerAnswers() throws Exception {
        CountDownLatch firstTryFailed = new CountDownLatch(1);
        Thread server = new Thread(() -> {
            try {
                firstTryFailed.await();
            } catch (InterruptedException e) {
                return;
            }
            try (ZContext serverContext = new ZContext()) {
                ZMQ.Socket rep = serverContext.createSocket(SocketType.REP);
                rep.setReceiveTimeOut(10_000);
                rep.bind(endpoint);
                byte[] request = rep.recv(0);
                rep.send(request == null ? new byte[0] : request, 0);
            }
        });
        server.start();
        try (LazyPirateClient client = new LazyPirateClient(context, endpoint, Duration.ofMillis(300), 30, () -> {
            firstTryFailed.countDown(); // asked between slices, so the server only starts once the client waits
            return false;
        })) {
            assertArrayEquals(new byte[] {1, 2, 3}, client.request(new byte[] {1, 2, 3}));
        }
        server.join(10_000);
    }

    @Test
    void givesUpAfterItsRetryBudget() {
        try (LazyPirateClient client = new LazyPirateClient(context, endpoint, Duration.ofMillis(200), 2, () -> false)) {
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.request(new byte[] {1}));
            assertTrue(e.getMessage().contains("after 2 attempts of 200 ms"), e.getMessage());
        }
    }

    @Test
    void aStoppingRoleAbandonsTheRequestInsteadOfWaitingOutItsTimeouts() {
        // The role is asked to stop while its request waits: from the client's fourth look at the flag on.
        AtomicInteger looks = new AtomicInteger();
        BooleanSupplier stopping = () -> looks.incrementAndGet() > 3;
        try (LazyPirateClient client = new LazyPirateClient(context, endpoint, Duration.ofSeconds(60), 3, stopping)) {
            // Three tries of 60 s would take three minutes; abandoning must come long before this deadline.
            RequestTimeoutException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(RequestTimeoutException.class, () -> client.request(new byte[] {1})));
            assertTrue(e.getMessage().contains("abandoned"), e.getMessage());
        }
    }

    /**
     * Two brokers: the first takes the request and dies with it (its connection drops, as a killed process's does),
     * the second answers. The client goes on to the second as soon as the drop shows, not after its 60 s try.
     */
    @Test
    void aTryWhoseConnectionDropsGoesOnToTheNextBrokerAtOnce() throws Exception {
        String second = "tcp://127.0.0.1:" + FreePorts.block(1);
        ZMQ.Socket dying = context.createSocket(SocketType.ROUTER);
        dying.setLinger(0);
        dying.bind(endpoint);
        Thread echo = echoOnce(second);
        Thread killer = new Thread(() -> {
            dying.setReceiveTimeOut(10_000);
            if (dying.recv(0) != null) {
                context.destroySocket(dying); // the request's connection goes with it
            }
        });
        killer.start();
        try (LazyPirateClient client = new LazyPirateClient(context, endpoint + "," + second, Duration.ofSeconds(60), 2,
                () -> false)) {
            byte[] reply = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.request(new byte[] {7}));
            assertArrayEquals(new byte[] {7}, reply);
        }
        killer.join(10_000);
        echo.join(10_000);
    }

    /**
     * A broker that answered and then went away between two requests: the next request goes to the other broker at
     * once, not after a try's timeout spent queued for the one that left (which comes back, if ever, when it will).
     */
    @Test
    void aBrokerGoneBetweenRequestsIsPassedOverAtOnce() throws Exception {
        String second = "tcp://127.0.0.1:" + FreePorts.block(1);
        Thread first = echoOnce(endpoint);
        try (LazyPirateClient client = new LazyPirateClient(context, endpoint + "," + second, Duration.ofSeconds(60), 2,
                () -> false)) {
            assertArrayEquals(new byte[] {1}, client.request(new byte[] {1}));
            first.join(10_000); // it has closed its socket: the connection is gone
            Thread echo = echoOnce(second);
            byte[] reply = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.request(new byte[] {2}));
            assertArrayEquals(new byte[] {2}, reply);
            echo.join(10_000);
        }
    }

    /** A name that resolves to two brokers, only the second of which listens: a failed try goes on to it. */
    @Test
    void aNameThatResolvesToSeveralBrokersIsTriedAddressByAddress() throws Exception {
        int port = FreePorts.block(1);
        Thread echo = echoOnce("tcp://127.0.0.2:" + port);
        try (TestNames names = new TestNames();
             LazyPirateClient client = new LazyPirateClient(context, "tcp://brokers:" + port, Duration.ofMillis(300), 3,
                     () -> false)) {
            names.map("brokers", "127.0.0.1", "127.0.0.2");
            assertArrayEquals(new byte[] {9}, client.request(new byte[] {9}));
        }
        echo.join(10_000);
    }

    /** A REP on {@code endpoint} that answers one request with itself, on a thread and context of its own. */
    private static Thread echoOnce(String endpoint) throws InterruptedException {
        CountDownLatch bound = new CountDownLatch(1);
        Thread echo = new Thread(() -> {
            try (ZContext echoContext = new ZContext()) {
                ZMQ.Socket rep = echoContext.createSocket(SocketType.REP);
                rep.setReceiveTimeOut(15_000);
                rep.bind(endpoint);
                bound.countDown();
                byte[] request = rep.recv(0);
                if (request != null) {
                    rep.send(request, 0);
                }
            }
        });
        echo.start();
        assertTrue(bound.await(10, TimeUnit.SECONDS));
        return echo;
    }
}
