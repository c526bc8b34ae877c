package org.bulletinboard.client;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.LoopPoller;
import org.bulletinboard.net.RoleLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RecentPublications;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Receives publications from the proxy, or from every proxy its endpoint names (each publication once), on its own
 * thread (the SUB socket is not shared). Other threads ask for topics through a queue. ZeroMQ filters by prefix, so
 * the topic frame is compared exactly here: a user named "ana" does not see publications for "anabel".
 */
final class Subscriber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    private record Change(String topic, boolean subscribe) {}

    private final Queue<Change> changes = new ConcurrentLinkedQueue<>();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** Owned by the subscriber's thread. */
    private final RecentPublications recent = new RecentPublications();
    private final RoleLoop loop;

    Subscriber(ZContext context, String proxyEndpoint, Stamper stamper, String node,
               BiConsumer<String, Envelope> onPublication, BiConsumer<String, String> onUnreadable) {
        this.loop = RoleLoop.start("client", node, "subscriber", loop -> {
            ZMQ.Socket socket = Sockets.create(context, SocketType.SUB);
            NamedConnection proxy = new NamedConnection(socket, proxyEndpoint, "proxy", log);
            try (LoopPoller poller = loop.newPoller()) {
                poller.register(socket);
                while (loop.running()) {
                    boolean connected = proxy.maintain();
                    applyChanges(socket);
                    loop.poll(poller, connected ? RoleLoop.IDLE_POLL_MILLIS : Sockets.POLL_MILLIS);
                    if (!poller.pollin(0)) {
                        continue;
                    }
                    ZMsg message;
                    while ((message = ZMsg.recvMsg(socket, ZMQ.DONTWAIT)) != null) {
                        if (message.size() < 2) {
                            continue;
                        }
                        String topic = message.popString();
                        if (!topics.contains(topic)) {
                            continue;
                        }
                        try {
                            Envelope publication = Envelope.decode(message.getLast().getData());
                            stamper.observe(publication);
                            if (recent.isFirst(publication)) {
                                onPublication.accept(topic, publication);
                            }
                        } catch (ProtocolException e) {
                            onUnreadable.accept(topic, e.getMessage());
                        }
                    }
                }
            } finally {
                socket.close();
            }
        });
    }

    void subscribe(String topic) {
        if (topics.add(topic)) {
            changes.add(new Change(topic, true));
            loop.wake();
        }
    }

    void unsubscribe(String topic) {
        if (topics.remove(topic)) {
            changes.add(new Change(topic, false));
            loop.wake();
        }
    }

    Set<String> topics() {
        return Set.copyOf(topics);
    }

    private void applyChanges(ZMQ.Socket socket) {
        Change change;
        while ((change = changes.poll()) != null) {
            if (change.subscribe()) {
                socket.subscribe(change.topic().getBytes(ZMQ.CHARSET));
            } else {
                socket.unsubscribe(change.topic().getBytes(ZMQ.CHARSET));
            }
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
