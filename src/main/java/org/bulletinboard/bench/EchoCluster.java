package org.bulletinboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.broker.Broker;
import org.bulletinboard.net.PirateWorker;
import org.bulletinboard.net.RoleLoop;
import org.zeromq.ZContext;

/**
 * The transport alone: our broker with workers that answer every request with the request itself, as many as
 * the servers of a cluster run. A bench run against it costs what the client, the broker and ZeroMQ cost, and
 * nothing of validation, disk, replication or publishing.
 */
public final class EchoCluster implements AutoCloseable {
    private final Broker broker;
    private final ZContext context = Sockets.roleContext();
    private final List<RoleLoop> workers = new ArrayList<>();

    private EchoCluster(Broker.Config config, int workerCount) {
        this.broker = Broker.start(config, new SimpleMeterRegistry());
        String endpoint = config.serverEndpoint().replace("*", "127.0.0.1");
        for (int i = 0; i < workerCount; i++) {
            workers.add(RoleLoop.start("echo", "echo", "worker-" + i, loop -> PirateWorker.serve(context, endpoint,
                    config.heartbeatInterval(), loop::running, request -> request)));
        }
    }

    /** A broker on {@code clientEndpoint}/{@code workerEndpoint} (bind addresses) with {@code workerCount} echo workers. */
    public static EchoCluster start(String clientEndpoint, String workerEndpoint, int workerCount, Duration heartbeat) {
        return new EchoCluster(new Broker.Config(clientEndpoint, workerEndpoint, heartbeat), workerCount);
    }

    @Override
    public void close() {
        workers.forEach(RoleLoop::stop);
        workers.forEach(RoleLoop::close);
        context.close();
        broker.close();
    }
}
