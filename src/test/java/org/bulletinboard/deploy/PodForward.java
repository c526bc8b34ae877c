package org.bulletinboard.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * A loopback port that forwards each new connection, through the Kubernetes API, to whichever pod
 * {@code target} names at that moment (a Service's ready pod, or one StatefulSet pod). A plain port-forward sticks
 * to the pod it started with and dies with it; this one follows a restarted broker as a Service would, so a
 * client that reconnects after a failure reaches the new pod. A connection whose pod goes away is closed.
 */
final class PodForward implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final int podPort;
    private final Supplier<String> target;
    private final ServerSocketChannel listener;
    private final Thread acceptor;
    private volatile boolean closed;

    PodForward(KubernetesClient client, String namespace, int podPort, Supplier<String> target) {
        this.client = client;
        this.namespace = namespace;
        this.podPort = podPort;
        this.target = target;
        try {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "forward-" + podPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where clients connect: tcp://127.0.0.1:port. */
    String endpoint() {
        return "tcp://127.0.0.1:" + listener.socket().getLocalPort();
    }

    private void accept() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread forwarding = new Thread(() -> forward(connection), "forward-" + podPort + "-connection");
            forwarding.setDaemon(true);
            forwarding.start();
        }
    }

    private void forward(SocketChannel connection) {
        try (connection) {
            String pod = target.get();
            if (pod == null) {
                return; // no pod to go to: the client sees the connection close, as with no endpoint
            }
            try (PortForward forward = client.pods().inNamespace(namespace).withName(pod)
                    .portForward(podPort, connection, connection)) {
                while (forward.isAlive() && connection.isOpen() && !closed) {
                    Thread.sleep(100); // watching a stream for its end; the bytes flow on fabric8's threads
                }
            }
        } catch (IOException | RuntimeException e) {
            // the pod went away, or the client closed: the connection ends, as a real one would
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
