package org.bulletinboard.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.net.Endpoints;

/**
 * A resolver the test controls, put in place of the system's: a name resolves only once the test maps it to a
 * loopback address, and may later move to another. Close it to restore the system resolver.
 */
public final class TestNames implements AutoCloseable {
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();

    public TestNames() {
        Endpoints.resolveWith(this::resolve);
    }

    /** From now on {@code name} resolves to {@code loopbackAddresses} (several: as a headless Service does). */
    public void map(String name, String... loopbackAddresses) {
        addresses.put(name, List.of(loopbackAddresses));
    }

    /** How many times a name was looked up. */
    public long lookups() {
        return lookups.get();
    }

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        List<String> mapped = addresses.get(host);
        if (mapped == null) {
            throw new UnknownHostException(host + ": Name or service not known (not yet, in this test)");
        }
        List<InetAddress> resolved = new ArrayList<>();
        for (String address : mapped) {
            resolved.add(InetAddress.getByName(address));
        }
        return resolved;
    }

    @Override
    public void close() {
        Endpoints.resolveWith(null);
    }
}
