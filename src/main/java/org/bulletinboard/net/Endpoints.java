package org.bulletinboard.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns {@code tcp://name:port} into {@code tcp://address:port} at the moment of connecting. ZeroMQ resolves a
 * name once, inside {@code connect()}, throws if it does not resolve yet, and reconnects to the address it found
 * for ever after; in Kubernetes a peer's name exists only once its pod does, and a restarted pod comes back under
 * the same name with a new address. So every connect goes through here, and the callers retry a name that does not
 * resolve and resolve again to follow one that moved ({@link NamedConnection}, {@link LazyPirateClient}).
 */
public final class Endpoints {
    /** Resolves a host name to every address it has; tests put in one of their own to control what resolves, and when. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** The system resolver, IPv4 addresses first (our sockets do not enable IPv6), each once, in a stable order. */
    private static final Resolver SYSTEM = host -> {
        List<InetAddress> all = new ArrayList<>(List.of(InetAddress.getAllByName(host)));
        all.sort(Comparator.comparing((InetAddress address) -> !(address instanceof Inet4Address))
                .thenComparing(InetAddress::getHostAddress));
        return all.stream().distinct().toList();
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
     * The endpoint with its host resolved now, to its first address. Endpoints that name no host to look up (an
     * address, a wildcard, another transport) come back unchanged.
     *
     * @throws UnknownHostException if the name does not resolve (yet)
     */
    public static String resolve(String endpoint) throws UnknownHostException {
        return resolveAll(endpoint).get(0);
    }

    /**
     * The endpoint once for each address its host resolves to now (a headless Service names every pod behind it);
     * an endpoint that names no host comes back alone and unchanged.
     *
     * @throws UnknownHostException if the name does not resolve (yet)
     */
    public static List<String> resolveAll(String endpoint) throws UnknownHostException {
        if (!namesAHost(endpoint)) {
            return List.of(endpoint);
        }
        int colon = endpoint.lastIndexOf(':');
        List<InetAddress> addresses = resolver.resolve(endpoint.substring(TCP.length(), colon));
        if (addresses.isEmpty()) {
            throw new UnknownHostException(endpoint + ": no address");
        }
        List<String> resolved = new ArrayList<>();
        for (InetAddress address : addresses) {
            String literal = address.getHostAddress();
            resolved.add(TCP + (address instanceof Inet4Address ? literal : "[" + literal + "]") + endpoint.substring(colon));
        }
        return resolved;
    }

    /**
     * The endpoints of a comma-separated list (several brokers or proxies, each of which may be a name that resolves
     * to several), blanks dropped.
     */
    public static List<String> list(String endpoints) {
        return Arrays.stream(endpoints.split(",")).map(String::trim).filter(endpoint -> !endpoint.isEmpty()).toList();
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
