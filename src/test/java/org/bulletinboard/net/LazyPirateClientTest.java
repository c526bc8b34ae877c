package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bulletinboard.support.FreePorts;
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
}
