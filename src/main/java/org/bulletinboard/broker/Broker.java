package org.bulletinboard.broker;

import java.time.Duration;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Sockets;
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
 * announce READY and heartbeat. A request goes to the least recently used idle worker, never to one that has
 * gone silent or whose connection is gone; while no worker is idle, requests wait in a bounded queue. One thread
 * owns both sockets.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    private static final int MAX_QUEUED = 100_000;
    private static final Duration MAX_QUEUED_AGE = Duration.ofSeconds(10);

    public record Config(String clientEndpoint, String serverEndpoint, Duration heartbeatInterval) {}

    private final ZContext context = new ZContext();
    private final Duration heartbeatInterval;
    private final Workers workers;
    private final PendingRequests pending = new PendingRequests(MAX_QUEUED, MAX_QUEUED_AGE.toNanos());
    private final ZMQ.Socket frontend;
    private final ZMQ.Socket backend;
    private long dropped;
    private volatile boolean running = true;
    private final Thread loop;

    private Broker(Config config) {
        this.heartbeatInterval = config.heartbeatInterval();
        this.workers = new Workers(config.heartbeatInterval().multipliedBy(WorkerFrames.LIVENESS).toNanos());
        frontend = Sockets.create(context, SocketType.ROUTER);
        backend = Sockets.create(context, SocketType.ROUTER);
        backend.setRouterMandatory(true); // a send to a worker whose connection is gone fails instead of vanishing
        Sockets.bind(frontend, config.clientEndpoint());
        Sockets.bind(backend, config.serverEndpoint());
        this.loop = RoleThreads.start("broker", "broker", "balance", () -> {
            log.info("broker: clients on {}, servers on {}", config.clientEndpoint(), config.serverEndpoint());
            run();
        });
    }

    public static Broker start(Config config) {
        return new Broker(config);
    }

    private void run() {
        try (ZMQ.Poller poller = context.createPoller(2)) {
            poller.register(backend, ZMQ.Poller.POLLIN);
            poller.register(frontend, ZMQ.Poller.POLLIN);
            long nextHeartbeat = System.nanoTime() + heartbeatInterval.toNanos();
            while (running && !Thread.currentThread().isInterrupted()) {
                poller.poll(Sockets.POLL_MILLIS);
                long now = System.nanoTime();
                if (poller.pollin(0)) {
                    ZMsg message;
                    while ((message = ZMsg.recvMsg(backend, ZMQ.DONTWAIT)) != null) {
                        fromWorker(message, now);
                    }
                }
                if (poller.pollin(1)) {
                    ZMsg message;
                    while ((message = ZMsg.recvMsg(frontend, ZMQ.DONTWAIT)) != null) {
                        fromClient(message, now);
                    }
                }
                dispatch(now);
                if (now - nextHeartbeat >= 0) {
                    heartbeat(now);
                    nextHeartbeat = now + heartbeatInterval.toNanos();
                }
            }
        } finally {
            frontend.close();
            backend.close();
        }
    }

    private void fromWorker(ZMsg message, long now) {
        ZFrame worker = message.pop();
        String command = message.popString();
        boolean isNew = workers.heard(worker, now);
        if (command == null) {
            log.warn("empty message from a worker; ignored");
            return;
        }
        switch (command) {
            case WorkerFrames.READY -> {
                workers.idle(worker);
                log.info("worker {} ready ({} known)", worker.strhex(), workers.size());
            }
            case WorkerFrames.HEARTBEAT -> {
                if (isNew) {
                    workers.idle(worker); // after a broker restart, idle workers make themselves known this way
                    log.info("worker {} rejoined by heartbeat ({} known)", worker.strhex(), workers.size());
                }
            }
            case WorkerFrames.REPLY -> {
                if (workers.isServing(worker)) {
                    message.send(frontend, true); // client envelope + reply
                } else {
                    // Its request went to another worker: a second reply could be taken for the client's next one.
                    log.info("dropped a late reply from worker {}", worker.strhex());
                }
                workers.idle(worker);
            }
            default -> log.warn("unknown command '{}' from worker {}; ignored", command, worker.strhex());
        }
        message.destroy();
    }

    private void fromClient(ZMsg request, long now) {
        if (pending.size() == 0 && forward(request)) {
            return;
        }
        if (!pending.offer(request, now) && dropped++ % 1000 == 0) {
            log.warn("request queue full ({} waiting, no server ready); dropped {} requests so far", MAX_QUEUED, dropped);
        }
    }

    /** Hands queued requests to idle workers, oldest request first. */
    private void dispatch(long now) {
        while (workers.hasIdle()) {
            ZMsg request = pending.poll(now);
            if (request == null) {
                return;
            }
            if (!forward(request)) {
                pending.putBack(request, now);
                return;
            }
        }
    }

    /** Sends a client request to the least recently used idle worker that is still connected. */
    private boolean forward(ZMsg request) {
        ZFrame worker;
        while ((worker = workers.takeIdle()) != null) {
            ZMsg out = request.duplicate();
            out.push(WorkerFrames.REQUEST);
            out.push(worker.duplicate());
            if (sendTo(worker, out)) {
                workers.busy(worker, request);
                return true;
            }
        }
        return false;
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
        expiry.orphaned().forEach(request -> requeue(request, now));
    }

    /**
     * Sends to a worker without blocking; a worker that cannot take it (unknown identity, connection gone, or it
     * stopped reading) is forgotten and false returned. A blocking send would hang the broker on a vanished peer.
     */
    private boolean sendTo(ZFrame worker, ZMsg message) {
        boolean sent = true;
        int left = message.size();
        try {
            for (ZFrame frame : message) {
                sent = backend.send(frame.getData(), (--left > 0 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
                if (!sent) {
                    break; // only the first frame can fail: the rest follow on the same connection
                }
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.EHOSTUNREACH.getCode()) {
                throw e;
            }
            sent = false; // the identity is no longer connected at all
        }
        message.destroy();
        if (!sent) {
            ZMsg orphaned = workers.remove(worker);
            log.info("worker {} is gone; forgotten ({} left)", worker.strhex(), workers.size());
            if (orphaned != null) {
                requeue(orphaned, System.nanoTime());
            }
        }
        return sent;
    }

    /**
     * Puts the request a lost worker held at the front of the queue, for the next idle worker. The lost worker may
     * have applied it already; writes carry a request id, so serving them again does not apply them twice.
     */
    private void requeue(ZMsg request, long now) {
        log.info("requeueing a request its worker never answered");
        pending.putBack(request, now);
    }

    @Override
    public void close() {
        running = false;
        RoleThreads.join(loop);
        context.close();
        log.info("broker stopped");
    }
}
