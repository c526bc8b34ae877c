package org.bulletinboard.deploy;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RecentPublications;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A subscriber to one channel on every proxy it is given, on a thread and socket of its own, keeping the first copy
 * of each publication and when it came: for the publication gap of a drill.
 */
final class DrillSubscriber implements AutoCloseable {
    private final Queue<Long> received = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private final Thread thread;

    DrillSubscriber(ZContext context, List<String> proxies, String channel) {
        this.thread = new Thread(() -> listen(context, proxies, channel), "drill-subscriber");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen(ZContext context, List<String> proxies, String channel) {
        ZMQ.Socket socket = Sockets.create(context, SocketType.SUB);
        try {
            socket.setReceiveTimeOut(100);
            socket.subscribe(channel.getBytes(ZMQ.CHARSET));
            proxies.forEach(socket::connect);
            RecentPublications recent = new RecentPublications();
            while (running) {
                String topic = socket.recvStr();
                if (topic == null || !socket.hasReceiveMore()) {
                    continue;
                }
                try {
                    if (channel.equals(topic) && recent.isFirst(Envelope.decode(socket.recv()))) {
                        received.add(System.nanoTime());
                    }
                } catch (ProtocolException e) {
                    // not a publication of ours: not counted
                }
            }
        } finally {
            socket.close();
        }
    }

    /** Publications received after {@code sinceNanos}. */
    long receivedSince(long sinceNanos) {
        return received.stream().filter(t -> t - sinceNanos > 0).count();
    }

    /** The longest time without a publication from {@code sinceNanos} on (from it to the first, and between). */
    long longestSilenceMillisSince(long sinceNanos) {
        return DrillWriter.longestSilenceMillis(received, sinceNanos);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
