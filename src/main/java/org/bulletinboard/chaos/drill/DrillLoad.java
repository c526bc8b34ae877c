package org.bulletinboard.chaos.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RecentPublications;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Steady load for a drill: writers, each a client of every broker that posts to one channel with a request id of
 * its own (kept across its retries), and one subscriber to that channel on every proxy, keeping each
 * publication's first copy. Each records when it heard something, for {@link Gaps}; a write in flight is always
 * finished, never abandoned, so what was applied and what was acknowledged stay comparable.
 */
final class DrillLoad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DrillLoad.class);
    private static final int RECEIVE_TIMEOUT_MILLIS = 100;

    private final ZContext context;
    private final String brokers;
    private final String channel;
    private final Duration pace;
    /** In every request id: a server takes a request id it already holds for a retry, also one from an earlier run. */
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    // Appended to by one thread each, read by copy: queues, since a copy-on-write list copies itself on every append.
    private final List<Queue<Long>> answers = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Queue<Long> publications = new ConcurrentLinkedQueue<>();
    private final Set<String> heardLive = ConcurrentHashMap.newKeySet();
    private final List<Thread> writers = new ArrayList<>();
    private final Thread subscriber;
    private volatile boolean running = true;
    private volatile boolean listening = true;

    DrillLoad(ZContext context, String brokers, String proxies, String channel, int writers, Duration pace) {
        this.context = context;
        this.brokers = brokers;
        this.channel = channel;
        this.pace = pace;
        this.subscriber = new Thread(() -> listen(proxies), "drill-subscriber");
        subscriber.start();
        for (int w = 1; w <= writers; w++) {
            Queue<Long> times = new ConcurrentLinkedQueue<>();
            answers.add(times);
            String user = "drill-writer-" + w;
            Thread writer = new Thread(() -> write(user, times), user);
            this.writers.add(writer);
            writer.start();
        }
    }

    private void write(String user, Queue<Long> times) {
        try (BoardClient client = new BoardClient(context, brokers, Stamper.systemClock(), BoardClient.DEFAULT_TIMEOUT,
                BoardClient.DEFAULT_ATTEMPTS, () -> false)) {
            for (long n = 1; running; n++) {
                String id = user + "-" + run + "-" + n;
                try {
                    Reply reply = client.call(Services.PUBLISH, Map.of("user", user, "channel", channel,
                            "message", id, Fields.REQUEST_ID, id));
                    times.add(System.nanoTime());
                    if (reply.ok()) {
                        acknowledged.add(id);
                    } else {
                        failures.add(id + ": " + reply.error());
                    }
                } catch (RequestTimeoutException e) {
                    times.add(System.nanoTime());
                    failures.add(id + ": " + e.getMessage());
                }
                Thread.sleep(pace.toMillis()); // the writer's pace, not a wait for anything
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listen(String proxies) {
        ZMQ.Socket socket = Sockets.create(context, SocketType.SUB);
        try {
            socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
            socket.subscribe(channel.getBytes(ZMQ.CHARSET));
            NamedConnection connection = new NamedConnection(socket, proxies, "proxy", log);
            RecentPublications recent = new RecentPublications();
            while (listening) {
                connection.maintain(); // follows names: a replaced proxy pod is found at its new address
                String topic = socket.recvStr();
                if (topic == null || !socket.hasReceiveMore()) {
                    continue;
                }
                byte[] payload = socket.recv();
                try {
                    Envelope publication = Envelope.decode(payload);
                    if (channel.equals(topic) && recent.isFirst(publication)) {
                        publications.add(System.nanoTime());
                        heardLive.add(String.valueOf(publication.data().get("message")));
                    }
                } catch (ProtocolException e) {
                    failures.add("unreadable publication: " + e.getMessage());
                }
            }
        } finally {
            socket.close();
        }
    }

    /** Each writer's answer times, in order. */
    List<List<Long>> answerTimes() {
        return answers.stream().map(List::copyOf).toList();
    }

    /** When the subscriber received each publication (first copies), in order. */
    List<Long> publicationTimes() {
        return List.copyOf(publications);
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** The acknowledged writes the subscriber never received live (they are to be read back with history). */
    Set<String> missedLive() {
        Set<String> missed = new TreeSet<>(acknowledged);
        missed.removeAll(heardLive);
        return missed;
    }

    /** Refusals, and requests left unanswered after every try. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Stops each writer after its write in flight, then the subscriber once the publications of the last writes have
     * come (none for a second), or after 10 s.
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int heard = -1;
        while (heard != publications.size() && System.nanoTime() - deadline < 0) {
            heard = publications.size();
            Thread.sleep(1000); // a second without a publication is the condition waited for
        }
        listening = false;
        subscriber.join();
    }
}
