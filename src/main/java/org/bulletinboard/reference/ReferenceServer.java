package org.bulletinboard.reference;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.bulletinboard.health.RequestMetrics;
import org.bulletinboard.net.LoopPoller;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The reference server (REP): hands out ranks, keeps the list of live servers and takes their heartbeats. */
public final class ReferenceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReferenceServer.class);

    public record Config(String bindEndpoint, Duration heartbeatTimeout) {}

    private final Config config;
    private final ServerRegistry registry;
    private final RequestMetrics requests;
    private final Stamper stamper = Stamper.systemClock();
    private final ZContext context = Sockets.roleContext();
    private final RoleLoop loop;

    private ReferenceServer(Config config, MeterRegistry metrics) {
        this.config = config;
        this.registry = new ServerRegistry(config.heartbeatTimeout(), System::nanoTime);
        this.requests = new RequestMetrics(metrics, List.of(Services.RANK, Services.HEARTBEAT, Services.LIST,
                Services.LEAVE, Services.ERROR));
        Gauge.builder("bbs.reference.live.servers", registry, r -> r.liveCount())
                .description("servers in the live list").register(metrics);
        ZMQ.Socket socket = Sockets.create(context, SocketType.REP);
        Sockets.bind(socket, config.bindEndpoint());
        this.loop = RoleLoop.start("reference", "reference", "rep", loop -> serve(socket, loop));
    }

    public static ReferenceServer start(Config config, MeterRegistry metrics) {
        return new ReferenceServer(config, metrics);
    }

    private void serve(ZMQ.Socket socket, RoleLoop loop) {
        log.info("reference server listening on {} (heartbeat timeout {} ms)",
                config.bindEndpoint(), config.heartbeatTimeout().toMillis());
        try (LoopPoller poller = loop.newPoller()) {
            poller.register(socket);
            while (loop.running()) {
                loop.poll(poller, RoleLoop.IDLE_POLL_MILLIS);
                if (!poller.pollin(0)) {
                    continue;
                }
                byte[] request = socket.recv(0);
                while (socket.hasReceiveMore()) {
                    request = socket.recv(0); // REP strips the envelope; only a multipart client sends more
                }
                // REP must answer every request, whatever happens, or it wedges.
                socket.send(handle(request), 0);
            }
        } finally {
            socket.close();
        }
    }

    byte[] handle(byte[] frame) {
        return RequestHandling.reply(frame, stamper, this::dispatch, log, Fields.MAX_FRAME_BYTES, requests);
    }

    private Map<String, Object> dispatch(Envelope request) throws ProtocolException {
        Map<String, Object> data = request.data();
        switch (request.service()) {
            case Services.RANK: {
                String name = Fields.name(data, "user");
                boolean known = registry.isKnown(name);
                int claimed = claimedRank(data);
                int rank = registry.touch(name, optionalAddress(data), claimed);
                if (claimed > 0 && rank != claimed) {
                    log.warn("server {} claims rank {}, which another live server holds: it has rank {}", name,
                            claimed, rank);
                } else if (!known) {
                    log.info("server {} registered with rank {}", name, rank);
                }
                Map<String, Object> reply = Replies.status(Services.OK);
                reply.put("rank", rank);
                return reply;
            }
            case Services.HEARTBEAT: {
                String name = Fields.name(data, "user");
                if (!registry.isKnown(name)) {
                    log.info("heartbeat from unknown server {}: registering it", name);
                }
                int rank = registry.touch(name, optionalAddress(data), claimedRank(data));
                Map<String, Object> reply = Replies.status(Services.OK);
                reply.put("rank", rank);
                reply.put("list", liveList()); // beside the course's reply: saves our servers a `list` round trip a beat
                return reply;
            }
            case Services.LEAVE: {
                String name = Fields.name(data, "user");
                if (registry.leave(name)) {
                    log.info("server {} left", name);
                }
                return Replies.status(Services.OK);
            }
            case Services.LIST:
                return new LinkedHashMap<>(Map.of("list", liveList()));
            default:
                throw new ProtocolException("unknown service '" + request.service() + "'");
        }
    }

    private List<Map<String, Object>> liveList() {
        return registry.live().stream().map(ReferenceServer::entry).toList();
    }

    /** Longest peer address accepted: a DNS name (253) with scheme and port. */
    static final int MAX_ADDRESS_LENGTH = 300;

    /**
     * Servers add their peer address beside the course's fields so that peers can reach each other. It is bounded,
     * since every server's address goes into every {@code list} reply.
     */
    private static String optionalAddress(Map<String, Object> data) throws ProtocolException {
        if (!data.containsKey("address")) {
            return null;
        }
        String address = Fields.string(data, "address");
        if (address.length() > MAX_ADDRESS_LENGTH || Fields.hasControlCharacter(address)) {
            throw new ProtocolException("field 'address' must be an endpoint of at most " + MAX_ADDRESS_LENGTH
                    + " printable characters");
        }
        return address;
    }

    /** Highest rank a server may claim: far above any cluster's size, and nowhere near overflowing the next rank. */
    static final int MAX_CLAIMED_RANK = 1 << 20;

    /** The rank a server claims beside the course's fields (ours, from their configured names); 0 for none. */
    private static int claimedRank(Map<String, Object> data) throws ProtocolException {
        long claimed = Fields.optionalInteger(data, "rank").orElse(0L);
        if (claimed < 0 || claimed > MAX_CLAIMED_RANK) {
            throw new ProtocolException("field 'rank' must be a rank between 1 and " + MAX_CLAIMED_RANK + ", got " + claimed);
        }
        return (int) claimed;
    }

    private static Map<String, Object> entry(ServerRegistry.LiveServer server) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", server.name());
        entry.put("rank", server.rank());
        if (server.address() != null) {
            entry.put("address", server.address());
        }
        return entry;
    }

    @Override
    public void close() {
        loop.close();
        context.close();
        log.info("reference server stopped");
    }
}
