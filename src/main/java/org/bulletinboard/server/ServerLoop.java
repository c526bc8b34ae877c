package org.bulletinboard.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.net.BrokerLink;
import org.bulletinboard.net.BrokerLinks;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.LoopPoller;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.ReplicationMessages;
import org.bulletinboard.server.replication.Replicator;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A server's one event loop (the ZeroMQ guide's single-threaded server): one thread owns the socket for other
 * servers (ROUTER), the links to the brokers (a DEALER to each, carrying many requests at once), the peer sockets the
 * {@link Replicator} pushes on, and the PUB socket to the proxy, and polls them together. Each pass serves
 * everything waiting, pushes the pass's writes to the peers as one batch each, makes every write of the pass
 * durable with one fsync (group commit, on this thread: no hand-off to a disk thread and back), then sends the
 * replies that may go, and answers each write, and publishes it, once its acknowledgements are in. Concurrency comes
 * from many requests in flight on one socket, not from threads. Only {@code status}, which asks every peer and
 * waits, is served on a thread of its own, its reply handed back through a queue.
 */
final class ServerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerLoop.class);
    /** Requests the broker may hand this server at once. */
    static final int CAPACITY = 1024;
    /** Wakes the {@code status} thread on close; never served. */
    private static final BrokerLink.Request STOP_STATUS = new BrokerLink.Request(null, new byte[0], null, false, null);
    /** Requests read from one socket in one pass: bounds what one busy socket delays. */
    private static final int MAX_PER_PASS = 256;
    /** How often the loop wakes while writes wait for acknowledgements, to time them out. */
    private static final long WAITING_POLL_MILLIS = 10;
    /** {@code status} requests waiting for the thread that serves them; more are refused. */
    private static final int OFF_LOOP_QUEUE = 16;
    /** How long catching up waits for the loop to write what it pulled; a page is one pass's work. */
    private static final long CAUGHT_UP_WAIT_SECONDS = 30;

    /** A reply ready to go to the broker. */
    private record Ready(BrokerLink.Request request, byte[] reply) {}

    /**
     * A write: its reply, ready once the write is durable and acknowledged, and its event, to publish then unless it
     * was published before (a retry of a request this server holds).
     */
    private record Write(Ready answer, Event event, boolean publish) {
        /** The erro its client gets when it cannot be acknowledged, saying why. */
        byte[] unknownOutcome(Stamper stamper, String why) {
            String service = switch (event.type()) {
                case Event.POST -> Services.PUBLISH;
                case Event.MESSAGE -> Services.MESSAGE;
                default -> event.type(); // login and channel are their services' names
            };
            return stamper.envelope(service, Replies.outcomeUnknown(service, why)).encode();
        }
    }

    /** Events catching up pulled, for the loop to write (it alone writes the log), and how many were new once durable. */
    private record CaughtUp(List<Event> events, CompletableFuture<Integer> applied) {}

    /** Caught-up events written in this pass, and how many were new: answered after the pass's fsync. */
    private record CaughtUpWritten(CaughtUp work, int fresh) {}

    /** What the loop serves with. */
    record Parts(BoardStore store, ClientServices clients, RequestHandling.Handler peers, Replicator replicator,
                 Stamper stamper, ServerMetrics metrics) {}

    /**
     * Where the loop connects, and its timing.
     *
     * @param contactTimeout how long the server may hear too few peers for a quorum before it stops taking clients
     */
    record Links(String brokerEndpoint, String proxyEndpoint, Duration heartbeatInterval, Duration ackTimeout,
                 Duration contactTimeout) {}

    private final ZContext context;
    private final String node;
    private final String peerBind;
    private final ZMQ.Socket peerSocket;
    private final BlockingQueue<BrokerLink.Request> statusRequests = new ArrayBlockingQueue<>(OFF_LOOP_QUEUE);
    private final Queue<Ready> statusReplies = new ConcurrentLinkedQueue<>();
    private final Queue<CaughtUp> caughtUp = new ConcurrentLinkedQueue<>();
    private Parts parts;
    private Links links;
    private volatile boolean serveClients;
    private volatile boolean brokerHeard;
    private volatile RoleLoop loop;
    private RoleLoop statusLoop;
    private final CompletableFuture<IOException> storageFailure = new CompletableFuture<>();
    private Runnable onQuorumLost;
    /** How recently a quorum must have answered for the server to take a write. */
    private long writeContactNanos;
    /** Since when (nanoTime) the server has heard too few peers for a quorum; 0 while it hears enough. */
    private long outOfContactSince;

    // Owned by the loop thread.
    private BrokerLinks brokers;
    private ZMQ.Socket publisher;
    private NamedConnection proxy;
    private LoopPoller poller;
    private long polledBroker = -1;
    private final List<ZMsg> peerReplies = new ArrayList<>();
    private final List<Ready> readyReplies = new ArrayList<>();
    private final List<Write> heldWrites = new ArrayList<>();
    private final List<Write> acknowledged = new ArrayList<>();
    private final List<Write> unknown = new ArrayList<>();
    private final List<CaughtUpWritten> caughtUpThisPass = new ArrayList<>();

    /** Binds the peer socket now, so a port in use stops the server before any of its threads run. */
    ServerLoop(ZContext context, String node, String peerBind) {
        this.context = context;
        this.node = node;
        this.peerBind = peerBind;
        this.peerSocket = Sockets.create(context, SocketType.ROUTER, ReplicationMessages.MAX_PEER_FRAME_BYTES);
        Sockets.bind(peerSocket, peerBind);
    }

    /**
     * Starts serving other servers; clients follow once {@link #serveClients()} is called.
     *
     * @param onQuorumLost run (on the loop) when the server stops taking clients because it hears too few peers
     */
    void start(Parts parts, Links links, Runnable onQuorumLost) {
        this.parts = parts;
        this.links = links;
        this.onQuorumLost = onQuorumLost;
        // Peers answer every heartbeat: two without enough of them already says this server is cut off.
        this.writeContactNanos = links.heartbeatInterval().multipliedBy(2).toNanos();
        this.statusLoop = RoleLoop.start("server", node, "status", this::serveStatus);
        this.loop = RoleLoop.start("server", node, "loop", this::run);
    }

    /** From now on the server takes client requests from the broker. */
    void serveClients() {
        serveClients = true;
        wake();
    }

    /** Ends the loop's wait now, for news its sockets do not bring (a changed peer list, a status reply); any thread. */
    void wake() {
        RoleLoop current = loop;
        if (current != null) {
            current.wake();
        }
    }

    /** Whether a broker hears it. */
    boolean brokerConnected() {
        return brokerHeard;
    }

    /** Completed with the log's failure if the loop stopped because of it (see {@link #stopAfterFailure}). */
    CompletableFuture<IOException> storageFailure() {
        return storageFailure;
    }

    /**
     * Has the loop write events catching up pulled from a peer, with the pass's other writes and under its fsync
     * (one thread writes the log), and returns how many were new once they are durable; from the catch-up thread.
     */
    int applyCaughtUp(List<Event> events) throws IOException {
        if (events.isEmpty()) {
            return 0;
        }
        CaughtUp work = new CaughtUp(events, new CompletableFuture<>());
        caughtUp.add(work);
        RoleLoop current = loop;
        if (current == null || !current.running() || storageFailure.isDone()) {
            caughtUp.remove(work);
            throw new IOException("the server loop is not running; nothing caught up is written");
        }
        current.wake();
        try {
            return work.applied().get(CAUGHT_UP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the server loop did not write what was caught up within " + CAUGHT_UP_WAIT_SECONDS
                    + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the server loop wrote what was caught up");
        }
    }

    private void run(RoleLoop loop) {
        log.info("peer socket bound on {}", peerBind);
        publisher = Sockets.create(context, SocketType.PUB);
        proxy = new NamedConnection(publisher, links.proxyEndpoint(), "proxy", log);
        try {
            while (loop.running() && !storageFailure.isDone()) {
                if (serveClients && brokers == null) {
                    brokers = new BrokerLinks(context, links.brokerEndpoint(), links.heartbeatInterval(), CAPACITY);
                }
                loop.poll(pollerFor(loop), timeoutMillis());
                serve(true);
                maintain();
            }
            if (storageFailure.isDone()) {
                stopAfterFailure();
            } else {
                drain(loop);
            }
        } finally {
            IOException stopped = new IOException("the server loop stopped before it wrote what was caught up");
            caughtUpThisPass.forEach(written -> written.work().applied().completeExceptionally(stopped));
            CaughtUp work;
            while ((work = caughtUp.poll()) != null) {
                work.applied().completeExceptionally(stopped);
            }
            if (poller != null) {
                poller.close();
            }
            if (brokers != null) {
                brokers.close();
            }
            parts.replicator().close();
            publisher.close();
            peerSocket.close();
        }
    }

    /** Briefly while writes wait for acknowledgements; otherwise until a timer of a broker link is due. */
    private long timeoutMillis() {
        Replicator replicator = parts.replicator();
        if (replicator.hasWaiting()) {
            return WAITING_POLL_MILLIS;
        }
        if (!replicator.settled() || !proxy.connected()) {
            return Sockets.POLL_MILLIS;
        }
        return brokers == null ? RoleLoop.IDLE_POLL_MILLIS
                : Math.min(RoleLoop.IDLE_POLL_MILLIS, brokers.millisUntilDue(System.nanoTime()));
    }

    /** The poller over the current sockets, made again whenever the broker links change. */
    private LoopPoller pollerFor(RoleLoop loop) {
        long brokerGeneration = brokers == null ? 0 : brokers.generation();
        if (poller == null || brokerGeneration != polledBroker) {
            if (poller != null) {
                poller.close();
            }
            List<ZMQ.Socket> peers = parts.replicator().sockets();
            poller = loop.newPoller();
            poller.register(peerSocket);
            if (brokers != null) {
                brokers.sockets().forEach(socket -> poller.register(socket));
            }
            peers.forEach(socket -> poller.register(socket));
            polledBroker = brokerGeneration;
        }
        return poller;
    }

    /**
     * One pass: serves what waits on the peer socket and (if {@code clients}) from the broker, reads
     * acknowledgements and answers the writes they complete, pushes the pass's writes to the peers, makes them
     * durable with one fsync, then sends what that allows.
     */
    private void serve(boolean clients) {
        Parts p = parts;
        ZMsg message;
        while (peerReplies.size() < MAX_PER_PASS && (message = ZMsg.recvMsg(peerSocket, ZMQ.DONTWAIT)) != null) {
            // The last frame is the request; the frames before it, the peer's routing envelope, go back in front.
            ZFrame request = message.removeLast();
            message.add(RequestHandling.reply(request == null ? new byte[0] : request.getData(), p.stamper(),
                    p.peers(), log, ReplicationMessages.MAX_PEER_FRAME_BYTES, p.metrics()));
            peerReplies.add(message);
        }
        boolean wrote = false;
        if (clients && brokers != null) {
            BrokerLink.Request request;
            int taken = 0;
            while (taken++ < MAX_PER_PASS && (request = brokers.receive()) != null) {
                serveClient(request);
            }
            wrote = !heldWrites.isEmpty();
        }
        if (!writeCaughtUp()) {
            return;
        }
        wrote |= !caughtUpThisPass.isEmpty();
        Ready offLoop;
        while ((offLoop = statusReplies.poll()) != null) {
            readyReplies.add(offLoop);
        }
        p.replicator().receiveAcks();
        // The writes acknowledged now went to the peers in an earlier pass, whose fsync made them durable here: they
        // are answered at once, not after this pass's fsync, which is for this pass's events.
        answerAcknowledged();
        // The pass's writes go to the peers before this server's own fsync, so the two fsyncs overlap. That is safe:
        // a write is answered only after both, and an event a peer holds that this server lost in a crash before
        // its fsync keeps its id (this process's origin is never used again) and comes back by catch-up.
        for (Write write : heldWrites) {
            p.replicator().replicate(write.event(), done -> (done ? acknowledged : unknown).add(write));
        }
        heldWrites.clear();
        p.replicator().flush();
        if (!peerReplies.isEmpty() || wrote) {
            try {
                long started = System.nanoTime();
                p.store().sync();
                p.metrics().synced(System.nanoTime() - started);
            } catch (IOException e) {
                storageFailure.complete(p.store().failure().orElse(e)); // nothing of this pass goes out: see stopAfterFailure
                return;
            }
        }
        caughtUpThisPass.forEach(written -> written.work().applied().complete(written.fresh()));
        caughtUpThisPass.clear();
        peerReplies.forEach(reply -> reply.send(peerSocket, true));
        peerReplies.clear();
        readyReplies.forEach(ready -> brokers.reply(ready.request(), ready.reply()));
        readyReplies.clear();
        answerAcknowledged();
    }

    /** Writes what catching up handed over; false, the store failed, if a write failed. */
    private boolean writeCaughtUp() {
        CaughtUp work;
        while ((work = caughtUp.poll()) != null) {
            try {
                caughtUpThisPass.add(new CaughtUpWritten(work, parts.store().appendReplicated(work.events())));
            } catch (IOException e) {
                work.applied().completeExceptionally(e);
                storageFailure.complete(parts.store().failure().orElse(e));
                return false;
            }
        }
        return true;
    }

    private void serveClient(BrokerLink.Request request) {
        Parts p = parts;
        String service = Envelope.serviceOrError(request.frame());
        if (Services.isWrite(service) && !hearsQuorum(writeContactNanos)) {
            // Taken now, it could only end as an unknown outcome, and a copy stranded here would meet its retry later.
            // Not applied now; an earlier try may have been, so the outcome is still unknown to its client.
            readyReplies.add(new Ready(request, p.stamper().envelope(service, Replies.outcomeUnknown(service, "this"
                    + " server cannot reach enough servers to acknowledge a write now, and did not take it")).encode()));
            return;
        }
        if (Services.STATUS.equals(service)) {
            if (!statusRequests.offer(request)) {
                readyReplies.add(new Ready(request, p.stamper().envelope(Services.STATUS, Replies.error(
                        Services.STATUS, "too many status requests at once; try again")).encode()));
            }
            return;
        }
        p.clients().fromBroker(request.brokerId(), request.handedOn());
        byte[] reply = RequestHandling.reply(request.frame(), p.stamper(), p.clients(), log, Fields.MAX_FRAME_BYTES,
                p.metrics());
        ClientServices.Staged written = p.clients().takeStaged();
        if (written == null) {
            readyReplies.add(new Ready(request, reply));
        } else {
            heldWrites.add(new Write(new Ready(request, reply), written.event(), !written.retry()));
        }
    }

    /**
     * Answers, and publishes, the writes whose acknowledgements are in, and tells the clients of those given up that
     * their outcome is unknown. Called only where every write in the list is durable here: before a pass's fsync only
     * with the writes of earlier passes (acknowledged by peers), otherwise after it, since {@link Replicator#flush}
     * acknowledges a write with no peer to wait for at once.
     */
    private void answerAcknowledged() {
        if (!unknown.isEmpty()) {
            String why = storageFailure.isDone() ? "this server's storage failed ("
                    + storageFailure.join().getMessage() + ")" : serveClients ? "not enough servers confirmed this"
                    + " write within " + links.ackTimeout().toMillis() + " ms" : "this server stopped hearing enough"
                    + " servers to confirm it";
            for (Write late : unknown) {
                if (brokers != null) {
                    brokers.reply(late.answer().request(), late.unknownOutcome(parts.stamper(), why));
                }
            }
            unknown.clear();
        }
        for (Write done : acknowledged) {
            if (brokers != null) {
                brokers.reply(done.answer().request(), done.answer().reply());
            }
            Event event = done.event();
            if (done.publish() && Publication.isPublished(event) && proxy.maintain()) {
                Publication publication = Publication.of(event, parts.stamper());
                publisher.sendMore(publication.topic());
                publisher.send(publication.payload().encodeForSubscribers(), ZMQ.DONTWAIT);
            }
        }
        acknowledged.clear();
    }

    private void maintain() {
        long now = System.nanoTime();
        if (brokers != null) {
            brokers.maintain(now);
            brokerHeard = brokers.connected();
        }
        parts.replicator().maintain();
        answerAcknowledged(); // and those given up
        proxy.maintain();
        watchQuorum(now);
    }

    /** Whether enough peers answered within {@code latelyNanos} for a write to be acknowledged. */
    private boolean hearsQuorum(long latelyNanos) {
        Replicator replicator = parts.replicator();
        return replicator.peersHeardWithin(latelyNanos) >= replicator.peersNeeded();
    }

    /**
     * A server that has heard too few peers for a quorum for the contact timeout (cut off from them, or just
     * resumed from a long pause) serves what it alone holds: it stops taking clients, so the broker sends them to
     * the others, until it has caught up again ({@code onQuorumLost}, then {@link #serveClients()}).
     */
    private void watchQuorum(long now) {
        if (!serveClients || hearsQuorum(links.contactTimeout().toNanos())) {
            outOfContactSince = 0;
            return;
        }
        if (outOfContactSince == 0) {
            outOfContactSince = now;
        } else if (now - outOfContactSince > links.contactTimeout().toNanos()) {
            log.warn("hears {} of the {} peers a quorum needs; takes no clients until it has caught up again",
                    parts.replicator().peersHeardWithin(links.contactTimeout().toNanos()),
                    parts.replicator().peersNeeded());
            serveClients = false;
            brokerHeard = false;
            // Their clients hear now, so the broker does not hand them to another server to be applied twice.
            parts.replicator().giveUpAll();
            answerAcknowledged();
            if (brokers != null) {
                brokers.leave();
                brokers.close();
                brokers = null;
            }
            outOfContactSince = 0;
            onQuorumLost.run();
        }
    }

    /**
     * After the log failed (fail-stop): nothing is acknowledged any more, since nothing since the last good fsync is
     * known to be on this disk. The clients of the writes still waiting are told their outcome is unknown, the
     * pass's replies to peers and reads are dropped (they may count on what the failed fsync was to cover), and the
     * loop leaves the broker, which hands what it still holds to the other servers. The server is then started
     * again from its disk ({@code ServerSupervisor}).
     */
    private void stopAfterFailure() {
        log.error("the log failed ({}); this server stops serving until it is started again from its disk",
                storageFailure.join().getMessage());
        peerReplies.clear();
        readyReplies.clear();
        acknowledged.clear();
        parts.replicator().giveUpAll();
        answerAcknowledged();
        if (brokers != null) {
            brokers.leave();
        }
    }

    /**
     * Stopping: takes no more client requests (those the broker handed over and this server did not start are
     * handed on when it leaves), finishes the writes in hand within the acknowledgement timeout, then leaves the
     * broker.
     */
    private void drain(RoleLoop loop) {
        long deadline = System.nanoTime() + links.ackTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(100);
        while (parts.replicator().hasWaiting() && System.nanoTime() - deadline < 0) {
            loop.poll(pollerFor(loop), WAITING_POLL_MILLIS);
            serve(false);
            parts.replicator().maintain();
            answerAcknowledged();
        }
        if (brokers != null) {
            brokers.leave();
        }
    }

    /** The {@code status} thread: asks every peer for its row, off the loop, and hands the reply back. */
    private void serveStatus(RoleLoop statusLoop) {
        Parts p = parts;
        try {
            while (statusLoop.running()) {
                BrokerLink.Request request = statusRequests.poll(RoleLoop.IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (request != null && request != STOP_STATUS) {
                    statusReplies.add(new Ready(request, RequestHandling.reply(request.frame(), p.stamper(),
                            p.clients(), log, Fields.MAX_FRAME_BYTES, p.metrics())));
                    wake();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops: the loop finishes the writes in hand and leaves the broker (see {@link #drain}), then closes its sockets. */
    @Override
    public void close() {
        if (loop != null) {
            loop.close(); // the loop closes its sockets
            statusLoop.stop();
            statusRequests.offer(STOP_STATUS); // if the queue is full, the thread is busy and sees the stop soon
            statusLoop.close();
        } else {
            peerSocket.close();
        }
    }
}
