package org.bulletinboard.server.replication;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * One kept {@link PeerClient} per live peer, for a thread that asks its peers again and again (clock rounds,
 * catch-up rounds): a connection is made on first use, made again when the peer moves to another address, and
 * closed when it leaves the live list. Keeping them saves a TCP connection, its handshake and its close per peer
 * and round. One thread.
 */
public final class PeerClients implements AutoCloseable {
    private final ZContext context;
    private final Stamper stamper;
    private final Duration timeout;
    private final BooleanSupplier stopping;
    private final Map<String, PeerClient> byName = new HashMap<>();

    public PeerClients(ZContext context, Stamper stamper, Duration timeout, BooleanSupplier stopping) {
        this.context = context;
        this.stamper = stamper;
        this.timeout = timeout;
        this.stopping = stopping;
    }

    /** Closes the connections to peers no longer in {@code live}. */
    public void keepOnly(Collection<Peer> live) {
        Set<String> names = live.stream().map(Peer::name).collect(Collectors.toSet());
        byName.entrySet().removeIf(entry -> {
            boolean gone = !names.contains(entry.getKey());
            if (gone) {
                entry.getValue().close();
            }
            return gone;
        });
    }

    /** The connection to {@code peer}, made now if there is none to its current address. */
    public PeerClient to(Peer peer) {
        PeerClient client = byName.get(peer.name());
        if (client != null && !client.endpoint().equals(peer.address())) {
            client.close();
            client = null;
        }
        if (client == null) {
            client = new PeerClient(context, peer, stamper, timeout, stopping);
            byName.put(peer.name(), client);
        }
        return client;
    }

    @Override
    public void close() {
        byName.values().forEach(PeerClient::close);
        byName.clear();
    }
}
