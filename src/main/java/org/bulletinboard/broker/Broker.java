package org.bulletinboard.broker;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import org.bulletinboard.net.LoopPoller;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.protocol.WorkerFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * The request broker, load-balancing (the ZeroMQ guide's Paranoid Pirate queue). Clients' REQ sockets connect
 * to the ROUTER on the client side exactly as before; servers' workers connect to the ROUTER on the server side,
 * announce READY (with how many requests they take at once) and heartbeat. Requests are packed onto a worker up to
 * {@link Config#pack} and then spread ({@link Workers}), never sent to one that has gone silent or whose connection
 * is gone; while no worker has room, requests wait in a bounded queue. One thread owns both sockets. The broker
 * answers a few requests itself, with {@code erro}: one that is not a single frame, one that finds the queue full,
 * one that waited in the queue past its deadline, and a poison request that was held by
 * {@link #POISON_LOST_WORKERS} workers that were all lost (it is dropped rather than handed to the next).
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    private static final int MAX_QUEUED = 100_000;
    private static final Duration MAX_QUEUED_AGE = Duration.ofSeconds(10);
    /** After a worker's connection drops, how long until every worker is sent a heartbeat to find which one it was. */
    private static final long DROP_PROBE_DELAY_NANOS = 20_000_000L;
    /** Workers lost while holding the same request before it is taken for one that kills them. */
    static final int POISON_LOST_WORKERS = 3;

    /**
     * Requests packed onto one server before the next is given any (see {@link Workers}): enough for a server's pass
     * to amortise its fsync and its messages to the peers over many writes (32 measured best here), few enough that
     * a busy server's queue stays short and the others take the rest. 1 spreads every request to the least loaded.
     */
    public static final int DEFAULT_PACK = 32;

    /** @param pack requests packed onto one server before the next is given any; at least 1 */
    public record Config(String clientEndpoint, String serverEndpoint, Duration heartbeatInterval, int pack) {
        public Config {
            if (pack < 1) {
                throw new IllegalArgumentException("pack must be at least 1, got " + pack);
            }
        }

        /** With the default packing. */
        public Config(String clientEndpoint, String serverEndpoint, Duration heartbeatInterval) {
            this(clientEndpoint, serverEndpoint, heartbeatInterval, DEFAULT_PACK);
        }
    }

    private final ZContext context = Sockets.roleContext();
    private final Duration heartbeatInterval;
    private final Workers workers;
    private final PendingRequests pending = new PendingRequests(MAX_QUEUED, MAX_QUEUED_AGE.toNanos());
    private final Stamper stamper = Stamper.systemClock();
    private final RequestIds requestIds = new RequestIds();
    private final ZMQ.Socket frontend;
    private final ZMQ.Socket backend;
    /** Tells of a worker's connection dropping (a server that crashed), so the broker looks at once, not at the next beat. */
    private final ZMQ.Socket workerDrops;
    private long dropped;
    private final BrokerMetrics metrics;
    private final RoleLoop loop;

    private Broker(Config config, MeterRegistry registry) {
        this.metrics = new BrokerMetrics(registry);
        this.heartbeatInterval = config.heartbeatInterval();
        this.workers = new Workers(config.heartbeatInterval().multipliedBy(WorkerFrames.LIVENESS).toNanos(),
                config.pack());
        frontend = Sockets.create(context, SocketType.ROUTER);
        backend = Sockets.create(context, SocketType.ROUTER);
        backend.setRouterMandatory(true); // a send to a worker whose connection is gone fails instead of vanishing
        workerDrops = Sockets.monitor(context, backend, ZMQ.EVENT_DISCONNECTED);
        Sockets.bind(frontend, config.clientEndpoint());
        Sockets.bind(backend, config.serverEndpoint());
        this.loop = RoleLoop.start("broker", "broker", "balance", loop -> {
            log.info("broker: clients on {}, servers on {}", config.clientEndpoint(), config.serverEndpoint());
            run(loop);
        });
    }

    public static Broker start(Config config, MeterRegistry metrics) {
        return new Broker(config, metrics);
    }

    private void run(RoleLoop loop) {
        try (LoopPoller poller = loop.newPoller()) {
            poller.register(backend);
            poller.register(frontend);
            poller.register(workerDrops);
            long nextHeartbeat = System.nanoTime() + heartbeatInterval.toNanos();
            while (loop.running()) {
                loop.poll(poller, timeoutMillis(nextHeartbeat - System.nanoTime()));
                long now = System.nanoTime();
                if (poller.pollin(0)) {
                    ZMsg message;
                    while ((message = ZMsg.recvMsg(backend, ZMQ.DONTWAIT)) != null) {
                        ZMsg fromWorker = message;
                        survive("a worker's message", () -> fromWorker(fromWorker, now));
                    }
                }
                if (poller.pollin(1)) {
                    ZMsg message;
                    while ((message = ZMsg.recvMsg(frontend, ZMQ.DONTWAIT)) != null) {
                        ZMsg fromClient = message;
                        survive("a client's request", () -> fromClient(fromClient, now));
                    }
                }
                if (poller.pollin(2)) {
                    while (ZMQ.Event.recv(workerDrops, ZMQ.DONTWAIT) != null) {
                        // A heartbeat to every worker finds which is gone (its send fails) and hands its requests
                        // to the others; a moment later, so that the socket has taken the connection's end.
                        long probe = now + DROP_PROBE_DELAY_NANOS;
                        if (nextHeartbeat - probe > 0) {
                            nextHeartbeat = probe;
                        }
                    }
                }
                pending.expire(now, this::expired);
                dispatch();
                if (now - nextHeartbeat >= 0) {
                    heartbeat(now);
                    nextHeartbeat = now + heartbeatInterval.toNanos();
                }
                metrics.publish(pending.size(), workers.withRoom(), workers.size(), pending.expired());
            }
        } finally {
            backend.monitor(null, 0);
            workerDrops.close();
            frontend.close();
            backend.close();
        }
    }

    /**
     * Until the next heartbeat is due; while requests wait for a worker, at most {@link Sockets#POLL_MILLIS}, so that
     * they expire on time.
     */
    private long timeoutMillis(long untilHeartbeatNanos) {
        long bound = pending.size() > 0 ? Sockets.POLL_MILLIS : RoleLoop.IDLE_POLL_MILLIS;
        return Math.max(1, Math.min(bound, TimeUnit.NANOSECONDS.toMillis(untilHeartbeatNanos) + 1));
    }

    private void fromWorker(ZMsg message, long now) {
        ZFrame identity = message.pop();
        String command = message.popString();
        Workers.Worker worker = workers.heard(identity, now);
        if (command == null) {
            log.warn("empty message from a worker; ignored");
            return;
        }
        switch (command) {
            case WorkerFrames.READY -> {
                workers.ready(worker, WorkerFrames.capacity(message));
                log.info("worker {} ready ({} known)", identity.strhex(), workers.size());
            }
            case WorkerFrames.HEARTBEAT -> {
                if (!worker.isReady()) {
                    // after a broker restart, or once forgotten, workers make themselves known this way
                    workers.ready(worker, WorkerFrames.capacity(message));
                    log.info("worker {} rejoined by heartbeat ({} known)", identity.strhex(), workers.size());
                }
            }
            case WorkerFrames.REPLY -> {
                long tag = worker.isTagged() ? WorkerFrames.popTag(message) : 0;
                ClientRequest done = tag >= 0 ? workers.replied(worker, tag) : null;
                if (done != null) {
                    message.send(frontend, true); // client envelope + reply
                    metrics.replied(System.nanoTime() - done.arrivedNanos());
                    return;
                }
                // Its request went to another worker: a second reply could be taken for the client's next one.
                log.info("dropped a late reply from worker {}", identity.strhex());
            }
            case WorkerFrames.DISCONNECT -> {
                List<ClientRequest> orphaned = workers.remove(identity);
                log.info("worker {} left ({} known)", identity.strhex(), workers.size());
                orphaned.forEach(pending::putBack); // it left without answering: not its fault, so not counted as lost
            }
            default -> log.warn("unknown command '{}' from worker {}; ignored", command, identity.strhex());
        }
        message.destroy();
    }

    /** A bug in handling one message costs that message, not the loop every client depends on. */
    private static void survive(String what, Runnable handling) {
        try {
            handling.run();
        } catch (RuntimeException e) {
            log.error("internal error handling {}; dropped it", what, e);
        }
    }

    private void fromClient(ZMsg message, long now) {
        int frames = requestFrames(message);
        if (frames != 1) {
            answer(message, "a request is one frame; this one had " + frames);
            return;
        }
        ClientRequest request = new ClientRequest(message, now, 0, requestIds.next());
        if (pending.size() == 0 && forward(request)) {
            return;
        }
        if (!pending.offer(request)) {
            if (dropped++ % 1000 == 0) {
                log.warn("request queue full ({} waiting, no server ready); refused {} requests so far", MAX_QUEUED, dropped);
            }
            answer(message, "the cluster is overloaded (" + MAX_QUEUED + " requests waiting); try again later");
        }
    }

    /** Frames after the routing envelope: the identity, then (from REQ sockets) an empty delimiter. */
    private static int requestFrames(ZMsg message) {
        Iterator<ZFrame> frames = message.iterator();
        frames.next(); // the identity ROUTER put in front
        boolean delimited = frames.hasNext() && frames.next().size() == 0;
        return message.size() - (delimited ? 2 : 1);
    }

    /**
     * Answers a client request with {@code erro}, on the request's own service when it can be read, keeping its
     * routing envelope, and consumes the message.
     */
    private void answer(ZMsg message, String description) {
        metrics.refused();
        int frames = requestFrames(message);
        byte[] request = frames > 0 ? message.getLast().getData() : new byte[0];
        ZMsg reply = new ZMsg();
        int envelope = message.size() - frames;
        for (ZFrame frame : message) {
            if (envelope-- <= 0) {
                break;
            }
            reply.add(frame.duplicate());
        }
        String service = Envelope.serviceOrError(request);
        reply.add(stamper.envelope(service, Replies.error(service, description)).encode());
        reply.send(frontend, true);
        message.destroy();
    }

    /** The description of an answer after which a write may or may not have been applied. */
    private static String unknownOutcome(String why) {
        return Replies.outcomeUnknownDescription(why);
    }

    /** Hands queued requests to idle workers, oldest request first. */
    private void dispatch() {
        while (workers.hasRoom()) {
            ClientRequest request = pending.poll();
            if (request == null) {
                return;
            }
            if (!forward(request)) {
                pending.putBack(request);
                return;
            }
        }
    }

    /** Sends a client request to the least loaded worker with room that is still connected. */
    private boolean forward(ClientRequest request) {
        Workers.Lease lease;
        while ((lease = workers.take()) != null) {
            ZMsg out = request.message().duplicate();
            if (lease.tagged()) {
                out.push(WorkerFrames.requestId(request.id(), request.lostWorkers() > 0));
                out.push(WorkerFrames.tag(lease.tag()));
            }
            out.push(WorkerFrames.REQUEST);
            out.push(lease.identity().duplicate());
            if (sendTo(lease.identity(), out)) {
                metrics.forwarded();
                workers.busy(lease, request);
                return true;
            }
        }
        return false;
    }

    /** Answers a request that waited past its deadline; its client may still be waiting (a REQ without a timeout). */
    private void expired(ClientRequest request) {
        if (pending.expired() % 1000 == 1) {
            log.warn("a request waited more than {} s for a server; answered with erro ({} so far)",
                    MAX_QUEUED_AGE.toSeconds(), pending.expired());
        }
        answer(request.message(), request.lostWorkers() == 0
                ? "no server took this request within " + MAX_QUEUED_AGE.toSeconds() + " s; try again"
                : unknownOutcome("its server was lost while holding it, and no other took it within "
                        + MAX_QUEUED_AGE.toSeconds() + " s"));
    }

    private void heartbeat(long now) {
        for (ZFrame worker : workers.identities()) {
            ZMsg beat = new ZMsg();
            beat.add(worker.duplicate());
            beat.add(WorkerFrames.HEARTBEAT);
            sendTo(worker, beat);
        }
        Workers.Expiry expiry = workers.expire(now);
        if (expiry.forgotten() > 0) {
            log.warn("{} silent workers dropped ({} left)", expiry.forgotten(), workers.size());
        }
        expiry.orphaned().forEach(this::requeue);
    }

    /**
     * Sends to a worker without blocking; a worker that cannot take it (unknown identity, connection gone, or it
     * stopped reading) is forgotten and false returned. A blocking send would hang the broker on a vanished peer.
     */
    private boolean sendTo(ZFrame worker, ZMsg message) {
        boolean sent;
        try {
            sent = Sockets.sendWithoutWaiting(backend, message);
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.EHOSTUNREACH.getCode()) {
                throw e;
            }
            sent = false; // the identity is no longer connected at all
        }
        if (!sent) {
            List<ClientRequest> orphaned = workers.remove(worker);
            log.info("worker {} is gone; forgotten ({} left)", worker.strhex(), workers.size());
            orphaned.forEach(this::requeue);
        }
        return sent;
    }

    /**
     * Puts the request a lost worker held at the front of the queue, for the next idle worker, keeping its arrival
     * time (so it still expires at its first deadline). The lost worker may have applied it already; writes carry a
     * request id, so serving them again does not apply them twice. A request that has now cost
     * {@link #POISON_LOST_WORKERS} workers is answered with {@code erro} and dropped instead.
     */
    private void requeue(ClientRequest request) {
        ClientRequest again = request.lostOneWorker();
        metrics.requeued();
        if (again.lostWorkers() >= POISON_LOST_WORKERS) {
            metrics.poisoned();
            log.warn("dropping a request on '{}': {} workers were lost while holding it",
                    Envelope.serviceOrError(again.message().getLast().getData()), again.lostWorkers());
            answer(again.message(), unknownOutcome(again.lostWorkers() + " servers' workers were lost while serving"
                    + " this request; the broker drops it rather than hand it to another"));
            return;
        }
        log.info("requeueing a request its worker never answered");
        pending.putBack(again);
    }

    @Override
    public void close() {
        loop.close();
        context.close();
        log.info("broker stopped");
    }
}
