package org.bulletinboard.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One directed link between two roles: a TCP relay on loopback in front of a role's listening port, through which
 * another role connects to it, so that the fault checker can partition, slow or heal that link alone.
 *
 * <p>A cut is a blackhole, not a drop: it models a partition shorter than TCP's give-up time, during which packets
 * are lost and retransmitted, so nothing (data, FIN or RST) crosses, yet what was sent arrives in order once the
 * link heals. A chunk a pump has already read is therefore held until the heal, never discarded: dropping part of a
 * stream would be a fault TCP cannot produce, and would corrupt ZeroMQ's framing instead of testing the roles.
 * Pumps stop reading while cut, so the kernel's buffers fill and senders are pushed back as under a real partition.
 * A write already under way when the cut begins still completes.
 */
public final class LinkRelay implements AutoCloseable {
    private static final int CHUNK_BYTES = 16 * 1024;
    /** How long a connection to the target may take; on loopback it is refused or accepted at once. */
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    /** The longest a waiting pump goes without looking at the relay's state again. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long close() waits for the relay's threads to end once their sockets are closed. */
    private static final long CLOSE_JOIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final String name;
    private final int targetPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final AtomicLong bytesForwarded = new AtomicLong();

    /** Guards the link's state below; signalled on every change of it, and when a connection ends. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean cut;
    private long latencyNanos;
    private boolean closed;

    private LinkRelay(String name, int targetPort, ServerSocket listener) {
        this.name = name;
        this.targetPort = targetPort;
        this.listener = listener;
        this.acceptor = new Thread(this::acceptLoop, "relay-" + name + "-acceptor");
        acceptor.setDaemon(true);
    }

    /** Listens on 127.0.0.1 at a port the OS chooses and forwards each accepted connection to 127.0.0.1:targetPort. */
    public static LinkRelay start(String name, int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        LinkRelay relay = new LinkRelay(name, targetPort, listener);
        relay.acceptor.start();
        return relay;
    }

    public String name() {
        return name;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The relay's address in the form the roles are given: {@code tcp://127.0.0.1:<port>}. */
    public String endpoint() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Partitions the link: no byte, FIN or reset crosses in either direction until {@link #heal}. */
    public void cut() {
        update(() -> cut = true);
    }

    /** Delays every chunk by {@code latency} before it is passed on ({@link Duration#ZERO} for none). */
    public void slow(Duration latency) {
        update(() -> latencyNanos = latency.toNanos());
    }

    /** Undoes {@link #cut} and {@link #slow}: everything held flows again. */
    public void heal() {
        update(() -> {
            cut = false;
            latencyNanos = 0;
        });
    }

    /** Ends every connection through the relay now with a reset, as a crashed peer would; new ones are served. */
    public void reset() {
        connections.forEach(connection -> end(connection, true));
    }

    public boolean isCut() {
        lock.lock();
        try {
            return cut;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes passed on in both directions since the relay started. */
    public long bytesForwarded() {
        return bytesForwarded.get();
    }

    /** Connections accepted and not yet ended, including those held by a cut before reaching the target. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops listening and ends every connection; waits a bounded time for the relay's threads to finish. */
    @Override
    public void close() {
        update(() -> closed = true);
        try {
            listener.close();
        } catch (IOException e) {
            // closing a listening socket has nothing left to report
        }
        List<Connection> open = List.copyOf(connections);
        open.forEach(connection -> end(connection, true));
        long deadline = System.nanoTime() + CLOSE_JOIN_NANOS;
        join(acceptor, deadline);
        for (Connection connection : open) {
            join(connection.upstream, deadline);
            join(connection.downstream, deadline);
        }
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                Connection connection = new Connection(client, connectionIds.incrementAndGet());
                if (!register(connection)) {
                    end(connection, true);
                    return;
                }
                connection.upstream.start();
            }
        } catch (IOException e) {
            // the listener was closed, or failed: either way nothing more is accepted
        }
    }

    /** Adds a new connection unless the relay is closed, so that close() sees every connection it must end. */
    private boolean register(Connection connection) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            connections.add(connection);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The client-to-target pump, which first connects to the target once no cut holds the new connection. */
    private void runUpstream(Connection connection) {
        if (!awaitNotCut(connection)) {
            return;
        }
        try {
            // ZeroMQ turns Nagle off on its own sockets; the relay must not put it back between them.
            connection.client.setTcpNoDelay(true);
            connection.target.setTcpNoDelay(true);
            connection.target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort),
                    CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            end(connection, true); // the client sees its connection reset, the nearest it can get to a refusal
            return;
        }
        connection.downstream.start();
        pump(connection, connection.client, connection.target);
    }

    /**
     * Copies {@code from} to {@code to} chunk by chunk, holding each chunk while the link is cut or slowed. An end of
     * stream becomes a shutdown of {@code to}'s output and an error ends the connection, each held as a chunk is.
     */
    private void pump(Connection connection, Socket from, Socket to) {
        byte[] chunk = new byte[CHUNK_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (awaitNotCut(connection)) {
                int read = in.read(chunk);
                if (!awaitRelease(connection, System.nanoTime())) {
                    return;
                }
                if (read < 0) {
                    to.shutdownOutput();
                    if (connection.finishedPumps.incrementAndGet() == 2) {
                        end(connection, false);
                    }
                    return;
                }
                out.write(chunk, 0, read);
                bytesForwarded.addAndGet(read);
            }
        } catch (IOException e) {
            if (awaitNotCut(connection)) {
                end(connection, true);
            }
        }
    }

    /** Waits while the link is cut; false if the relay or the connection ended meanwhile. */
    private boolean awaitNotCut(Connection connection) {
        return await(connection, false, 0);
    }

    /** Waits until a chunk read at {@code readAt} (nanoTime) may go on: no cut, and the latency since has passed. */
    private boolean awaitRelease(Connection connection, long readAt) {
        return await(connection, true, readAt);
    }

    private boolean await(Connection connection, boolean delayed, long readAt) {
        lock.lock();
        try {
            while (!closed && !connection.ended.get()) {
                long wait = cut ? RECHECK_NANOS : delayed ? readAt + latencyNanos - System.nanoTime() : 0;
                if (wait <= 0) {
                    return true;
                }
                changed.awaitNanos(Math.min(wait, RECHECK_NANOS));
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes both sides of a connection once; {@code abort} sends a reset rather than a FIN, and leaves no socket in
     * TIME_WAIT. Wakes its pumps if they wait.
     */
    private void end(Connection connection, boolean abort) {
        if (!connection.ended.compareAndSet(false, true)) {
            return;
        }
        close(connection.client, abort);
        close(connection.target, abort);
        connections.remove(connection);
        update(() -> { }); // no change of state, but pumps waiting on this connection must see it ended
    }

    private static void close(Socket socket, boolean abort) {
        try {
            if (abort && socket.isConnected()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // already closed by the other side's pump: the close below does nothing
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more can be done with this socket
        }
    }

    private static void join(Thread thread, long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || Thread.currentThread().isInterrupted()) {
            return;
        }
        try {
            thread.join(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One accepted connection, its socket to the target (unconnected until the upstream pump connects it) and pumps. */
    private final class Connection {
        final Socket client;
        final Socket target = new Socket();
        final Thread upstream;
        final Thread downstream;
        final AtomicBoolean ended = new AtomicBoolean();
        /** Pumps that have passed on their side's end of stream; when both have, the connection is done. */
        final AtomicInteger finishedPumps = new AtomicInteger();

        Connection(Socket client, int id) {
            this.client = client;
            String prefix = "relay-" + name + "-" + id;
            upstream = new Thread(() -> runUpstream(this), prefix + "-up");
            downstream = new Thread(() -> pump(this, target, client), prefix + "-down");
            upstream.setDaemon(true);
            downstream.setDaemon(true);
        }
    }
}
