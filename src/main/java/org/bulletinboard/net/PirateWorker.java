package org.bulletinboard.net;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.zeromq.ZContext;

/**
 * A classic Paranoid Pirate worker: one request at a time over a {@link BrokerLink}, waiting for the next in a
 * blocking receive. Runs on the calling thread, which owns the socket.
 */
public final class PirateWorker {
    private PirateWorker() {}

    /** Serves requests from the broker at {@code brokerEndpoint} until {@code running} turns false. */
    public static void serve(ZContext context, String brokerEndpoint, Duration heartbeatInterval,
                             BooleanSupplier running, Function<byte[], byte[]> serve) {
        BrokerLink link = new BrokerLink(context, brokerEndpoint, heartbeatInterval, BrokerLink.CLASSIC);
        try {
            while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                link.maintain(System.nanoTime());
                BrokerLink.Request request = link.await();
                if (request != null) {
                    link.reply(request, serve.apply(request.frame()));
                }
            }
            link.leave();
        } finally {
            link.close();
        }
    }
}
