package org.bulletinboard.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.net.Endpoints;

/**
 * A resolver the test controls, put in place of the system's: a name resolves only once the test maps it to a
 * loopback address, and may later move to another. Close it to restore the system resolver.
 */
public final class TestNames implements AutoCloseable {
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();

    public TestNames() {
        Endpoints.resolveWith(this::resolve);
    }

    /** From now on {@code name} resolves to {@code loopbackAddress}. */
    public void map(String name, String loopbackAddress) {
        addresses.put(name, loopbackAddress);
    }

    /** How many times a name was looked up. */
    public long lookups() {
        return lookups.get();
    }

    private InetAddress resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        String address = addresses.get(host);
        if (address == null) {
            throw new UnknownHostException(host + ": Name or service not known (not yet, in this test)");
        }
        return InetAddress.getByName(address);
    }

    @Override
    public void close() {
        Endpoints.resolveWith(null);
    }
}
