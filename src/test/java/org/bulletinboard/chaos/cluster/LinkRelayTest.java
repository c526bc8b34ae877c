package org.bulletinboard.chaos.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.support.Await;
import org.junit.jupiter.api.Test;

/** A relay in front of an echo server: forwarding, a cut held and delivered on heal, reset, latency, close. */
class LinkRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    /** How long "nothing arrives" is watched for while the link is cut. */
    private static final int QUIET_MILLIS = 300;

    @Test
    void bytesRoundTrip() throws Exception {
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("roundtrip", echo.port());
             Socket client = connect(relay)) {
            assertEquals("tcp://127.0.0.1:" + relay.port(), relay.endpoint());
            assertEquals("hello", roundTrip(client, "hello"));
            assertEquals(1, relay.openConnections());
            // counted once written on, which may be just after the client has read the echo
            Await.until(WAIT, "10 bytes counted", () -> relay.bytesForwarded() == 10);
        }
    }

    @Test
    void whileCutNothingMovesAndOnHealWhatWasSentArrivesInOrder() throws Exception {
        byte[] payload = new byte[256 * 1024]; // many chunks, more than the kernel buffers between them hold
        new Random(7).nextBytes(payload);
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("cut", echo.port());
             Socket client = connect(relay)) {
            assertEquals("before", roundTrip(client, "before"));
            long echoedBefore = echo.bytesReceived();

            relay.cut();
            assertTrue(relay.isCut());
            // Written from another thread: with the link cut the writer may block once the buffers are full.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> write(client, payload));
            client.setSoTimeout(QUIET_MILLIS);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read(), "a byte came back while cut");
            assertEquals(echoedBefore, echo.bytesReceived(), "bytes reached the target while cut");

            relay.heal();
            assertArrayEquals(payload, readFully(client, payload.length));
            sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aCloseDuringACutReachesThePeerOnlyAfterTheHeal() throws Exception {
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("fin", echo.port());
             Socket client = connect(relay)) {
            assertEquals("open", roundTrip(client, "open"));
            relay.cut();
            client.shutdownOutput();
            client.setSoTimeout(QUIET_MILLIS);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read(), "the echo ended while cut");
            assertEquals(0, echo.ended(), "the client's end of stream reached the target while cut");

            relay.heal();
            client.setSoTimeout((int) WAIT.toMillis());
            assertEquals(-1, client.getInputStream().read(), "the echo server's close, in answer to the client's");
        }
    }

    @Test
    void aConnectionOpenedDuringACutIsServedAfterTheHeal() throws Exception {
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("held", echo.port())) {
            relay.cut();
            try (Socket client = connect(relay)) {
                send(client, "held");
                client.setSoTimeout(QUIET_MILLIS);
                assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read(), "served while cut");
                assertEquals(1, relay.openConnections());
                assertEquals(0, echo.accepted(), "the relay connected to the target while cut");

                relay.heal();
                assertEquals("held", new String(readFully(client, 4), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void resetEndsEveryConnectionAndNewOnesAreServed() throws Exception {
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("reset", echo.port())) {
            try (Socket first = connect(relay)) {
                assertEquals("one", roundTrip(first, "one"));
                relay.reset();
                assertConnectionEnds(first);
            }
            Await.until(WAIT, "the reset connection gone", () -> relay.openConnections() == 0);
            try (Socket second = connect(relay)) {
                assertEquals("two", roundTrip(second, "two"));
            }
        }
    }

    @Test
    void slowDelaysEachDirectionByTheLatency() throws Exception {
        Duration latency = Duration.ofMillis(150);
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("slow", echo.port());
             Socket client = connect(relay)) {
            relay.slow(latency);
            long start = System.nanoTime();
            assertEquals("slow", roundTrip(client, "slow"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(latency.multipliedBy(2)) >= 0, "a round trip took " + took.toMillis() + " ms");

            relay.heal();
            assertEquals("fast", roundTrip(client, "fast"));
        }
    }

    @Test
    void aTargetThatIsDownEndsTheClientsConnection() throws Exception {
        int downPort;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            downPort = unused.getLocalPort(); // free again once closed: nothing listens there
        }
        try (LinkRelay relay = LinkRelay.start("down", downPort);
             Socket client = connect(relay)) {
            assertConnectionEnds(client);
            Await.until(WAIT, "the refused connection gone", () -> relay.openConnections() == 0);
        }
    }

    @Test
    void closeEndsItsConnectionsAndThreadsAndFreesThePort() throws Exception {
        try (EchoServer echo = new EchoServer();
             LinkRelay relay = LinkRelay.start("closing", echo.port());
             Socket served = connect(relay)) {
            assertEquals("up", roundTrip(served, "up"));
            relay.cut();
            try (Socket held = connect(relay)) {
                // an acceptor, the served connection's two pumps and the held one's first pump
                Await.equal(WAIT, "the relay's threads", () -> 4L, () -> relayThreads("closing"));

                relay.close();
                assertConnectionEnds(served);
                assertConnectionEnds(held);
            }
            Await.equal(WAIT, "the relay's threads", () -> 0L, () -> relayThreads("closing"));
            assertEquals(0, relay.openConnections());
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port()));
            }
        }
    }

    private static Socket connect(LinkRelay relay) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        return new String(readFully(socket, text.length()), StandardCharsets.UTF_8);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Socket socket, byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readFully(Socket socket, int length) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        byte[] bytes = socket.getInputStream().readNBytes(length);
        assertEquals(length, bytes.length, "the stream ended early");
        return bytes;
    }

    /** The peer's end of the connection reaches the client: an end of stream or a reset, within the wait. */
    private static void assertConnectionEnds(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        try {
            assertEquals(-1, socket.getInputStream().read());
        } catch (SocketTimeoutException e) {
            fail("the connection was still open after " + WAIT.toMillis() + " ms");
        } catch (IOException e) {
            // a reset: the connection ended
        }
    }

    private static long relayThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("relay-" + name + "-"))
                .count();
    }

    /** Echoes every byte it receives, one thread per connection, counting connections and bytes; closes at the end. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger ended = new AtomicInteger();
        private final AtomicLong received = new AtomicLong();

        EchoServer() throws IOException {
            start(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        /** Connections whose client ended its stream, each then closed in answer. */
        int ended() {
            return ended.get();
        }

        long bytesReceived() {
            return received.get();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket socket = listener.accept();
                    accepted.incrementAndGet();
                    sockets.add(socket);
                    start(() -> echo(socket));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void echo(Socket socket) {
            byte[] buffer = new byte[8192];
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    received.addAndGet(read);
                    out.write(buffer, 0, read);
                }
                ended.incrementAndGet();
            } catch (IOException e) {
                // the connection was reset or closed
            }
        }

        private void start(Runnable body) {
            Thread thread = new Thread(body, "echo-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            for (Thread thread : threads) {
                try {
                    thread.join(WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
