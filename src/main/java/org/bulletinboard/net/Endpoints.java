package org.bulletinboard.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.Arrays;

/**
 * Turns {@code tcp://name:port} into {@code tcp://address:port} at the moment of connecting. ZeroMQ resolves a
 * name once, inside {@code connect()}, throws if it does not resolve yet, and reconnects to the address it found
 * for ever after; in Kubernetes a peer's name exists only once its pod does, and a restarted pod comes back under
 * the same name with a new address. So every connect goes through here, and the callers retry a name that does not
 * resolve and resolve again to follow one that moved ({@link NamedConnection}, {@link LazyPirateClient}).
 */
public final class Endpoints {
    /** Resolves a host name; tests put in one of their own to control what resolves, and when. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    /** The system resolver, preferring an IPv4 address (our sockets do not enable IPv6). */
    private static final Resolver SYSTEM = host -> {
        InetAddress[] all = InetAddress.getAllByName(host);
        return Arrays.stream(all).filter(Inet4Address.class::isInstance).findFirst().orElse(all[0]);
    };

    private static final String TCP = "tcp://";
    private static volatile Resolver resolver = SYSTEM;

    private Endpoints() {}

    /**
     * Makes the JVM's name cache as short-lived as the cluster's DNS (Java keeps a found address for 30 s and a
     * failure for 10 s by default, which would hide a peer's new address or its arrival). Call before the first
     * lookup.
     */
    public static void useShortDnsCache() {
        Security.setProperty("networkaddress.cache.ttl", "1");
        Security.setProperty("networkaddress.cache.negative.ttl", "1");
    }

    /** Resolves names through {@code replacement} from now on (tests); {@code null} restores the system's. */
    public static void resolveWith(Resolver replacement) {
        resolver = replacement == null ? SYSTEM : replacement;
    }

    /**
     * The endpoint with its host resolved now. Endpoints that name no host to look up (an address, a wildcard,
     * another transport) come back unchanged.
     *
     * @throws UnknownHostException if the name does not resolve (yet)
     */
    public static String resolve(String endpoint) throws UnknownHostException {
        if (!namesAHost(endpoint)) {
            return endpoint;
        }
        int colon = endpoint.lastIndexOf(':');
        InetAddress address = resolver.resolve(endpoint.substring(TCP.length(), colon));
        String literal = address.getHostAddress();
        return TCP + (address instanceof Inet4Address ? literal : "[" + literal + "]") + endpoint.substring(colon);
    }

    /** Whether the endpoint names a host to look up (rather than an address, a wildcard or another transport). */
    static boolean namesAHost(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (!endpoint.startsWith(TCP) || colon < TCP.length()) {
            return false;
        }
        String host = endpoint.substring(TCP.length(), colon);
        return !(host.equals("*") || host.startsWith("[") || isIpv4Literal(host));
    }

    private static boolean isIpv4Literal(String host) {
        return host.chars().allMatch(c -> c == '.' || Character.isDigit(c)) && host.chars().filter(c -> c == '.').count() == 3;
    }
}
