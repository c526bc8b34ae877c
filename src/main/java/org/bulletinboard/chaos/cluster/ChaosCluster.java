package org.bulletinboard.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole system as separate JVMs on loopback for the fault checker: reference server, broker, proxy and N
 * servers, each server with its data in a directory of its own. Every link a server opens (to the broker, the
 * proxy, the reference server, and to each peer) goes through a {@link LinkRelay} of its own, so any directed link
 * can be cut, slowed or healed alone. Clients reach the broker directly. With {@code smallDisk}, the last server's
 * data directory is a small file system of its own that the checker can fill.
 */
public final class ChaosCluster implements AutoCloseable {
    public static final String REFERENCE = "reference";
    public static final String BROKER = "broker";
    public static final String PROXY = "proxy";
    /** The proxy's side that servers subscribe to for coordinator announcements. */
    public static final String PROXY_SUBSCRIBERS = "proxy-subscribers";
    /**
     * Checkpoints every few hundred events, in log segments of 1 MiB: within a short run logs are compacted, and a
     * wiped server catches up from a peer's checkpoint.
     */
    private static final int CHECKPOINT_EVERY = 500;
    /** Every post and message kept, so the checker finds each acknowledged write (retention is tested apart). */
    private static final int HISTORY_KEEP = 1_000_000;

    /**
     * @param basePort          broker clients, then broker servers, proxy publishers, proxy subscribers, reference,
     *                          and one peer port per server
     * @param smallDiskMegabytes the last server's data on a file system this small; 0 for none
     */
    public record Settings(int servers, int basePort, Path workDir, Duration heartbeat, Duration heartbeatTimeout,
                           Duration ackTimeout, Duration catchUp, List<String> jvmOptions, int smallDiskMegabytes) {}

    private final Settings settings;
    private final RoleJvm reference;
    private final RoleJvm broker;
    private final RoleJvm proxy;
    private final Map<String, RoleJvm> servers = new LinkedHashMap<>();
    /** By {@code from->to}. */
    private final Map<String, LinkRelay> links = new LinkedHashMap<>();
    private final SmallDisk disk;
    private final String diskRefusal;
    private boolean closed;

    private ChaosCluster(Settings settings) throws IOException {
        this.settings = settings;
        Path logs = settings.workDir().resolve("logs");
        int base = settings.basePort();
        List<String> jvm = settings.jvmOptions();
        this.reference = new RoleJvm(REFERENCE, jvm, List.of("reference", "--bind", local(base + 4),
                "--heartbeat-timeout-ms", millis(settings.heartbeatTimeout())), logs);
        this.broker = new RoleJvm(BROKER, jvm, List.of("broker", "--clients", local(base), "--servers",
                local(base + 1), "--heartbeat-ms", millis(settings.heartbeat())), logs);
        this.proxy = new RoleJvm(PROXY, jvm, List.of("proxy", "--publishers", local(base + 2), "--subscribers",
                local(base + 3)), logs);
        SmallDisk.Mounted mounted = null;
        try {
            for (int i = 1; i <= settings.servers(); i++) {
                String name = serverName(i);
                relay(name, BROKER, base + 1);
                relay(name, PROXY, base + 2);
                relay(name, PROXY_SUBSCRIBERS, base + 3);
                relay(name, REFERENCE, base + 4);
                for (int j = 1; j <= settings.servers(); j++) {
                    if (j != i) {
                        relay(name, serverName(j), peerPort(j));
                    }
                }
            }
            if (settings.smallDiskMegabytes() > 0) {
                mounted = SmallDisk.mount(dataDir(serverName(settings.servers())), settings.smallDiskMegabytes());
            }
            for (int i = 1; i <= settings.servers(); i++) {
                String name = serverName(i);
                Files.createDirectories(dataDir(name));
                servers.put(name, new RoleJvm(name, jvm, serverArgs(i), logs));
            }
        } catch (IOException | RuntimeException e) {
            links.values().forEach(LinkRelay::close);
            throw e;
        }
        this.disk = mounted == null ? null : mounted.disk();
        this.diskRefusal = mounted == null ? "the small disk is off" : mounted.refusal();
    }

    /** Starts every role: the reference server, broker and proxy first, then the servers. */
    public static ChaosCluster start(Settings settings) throws IOException {
        ChaosCluster cluster = new ChaosCluster(settings);
        cluster.roles().forEach(RoleJvm::start);
        return cluster;
    }

    private List<String> serverArgs(int index) {
        String name = serverName(index);
        int peerPort = peerPort(index);
        List<String> peers = new ArrayList<>();
        for (int j = 1; j <= settings.servers(); j++) {
            if (j != index) {
                peers.add(serverName(j) + "=" + link(name, serverName(j)).endpoint());
            }
        }
        return List.of("server", "--name", name, "--data", dataDir(name).toString(),
                "--broker", link(name, BROKER).endpoint(), "--proxy", link(name, PROXY).endpoint(),
                "--proxy-subscribers", link(name, PROXY_SUBSCRIBERS).endpoint(),
                "--reference", link(name, REFERENCE).endpoint(),
                "--peer-port", String.valueOf(peerPort), "--peer-bind", local(peerPort),
                "--peer-address", local(peerPort), "--peers", String.join(",", peers),
                "--heartbeat-ms", millis(settings.heartbeat()), "--ack-timeout-ms", millis(settings.ackTimeout()),
                "--catch-up-ms", millis(settings.catchUp()),
                "--checkpoint-every", String.valueOf(CHECKPOINT_EVERY), "--segment-mib", "1",
                "--history-keep", String.valueOf(HISTORY_KEEP));
    }

    private void relay(String from, String to, int targetPort) throws IOException {
        links.put(from + "->" + to, LinkRelay.start(from + "->" + to, targetPort));
    }

    public static String serverName(int index) {
        return "server-" + index;
    }

    private int peerPort(int index) {
        return settings.basePort() + 4 + index;
    }

    private static String local(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    private static String millis(Duration duration) {
        return String.valueOf(duration.toMillis());
    }

    public Settings settings() {
        return settings;
    }

    /** Where clients reach the broker (directly, not through a relay). */
    public String clientEndpoint() {
        return local(settings.basePort());
    }

    /** Where the checker reads one server alone: its socket for peers, directly. */
    public String peerEndpoint(String server) {
        return local(peerPort(Integer.parseInt(server.substring(server.lastIndexOf('-') + 1))));
    }

    public List<String> serverNames() {
        return List.copyOf(servers.keySet());
    }

    public RoleJvm server(String name) {
        return servers.get(name);
    }

    /** Any role by name: {@code reference}, {@code broker}, {@code proxy} or a server's. */
    public RoleJvm role(String name) {
        return switch (name) {
            case REFERENCE -> reference;
            case BROKER -> broker;
            case PROXY -> proxy;
            default -> servers.get(name);
        };
    }

    /** Every role, the reference server, broker and proxy first. */
    public List<RoleJvm> roles() {
        return Stream.concat(Stream.of(reference, broker, proxy), servers.values().stream()).toList();
    }

    /** The relay of the link {@code from} opens to {@code to} (a server's name, or one of the role names above). */
    public LinkRelay link(String from, String to) {
        LinkRelay relay = links.get(from + "->" + to);
        if (relay == null) {
            throw new IllegalArgumentException("no link " + from + "->" + to);
        }
        return relay;
    }

    public List<LinkRelay> links() {
        return List.copyOf(links.values());
    }

    public Path dataDir(String server) {
        return settings.workDir().resolve("data").resolve(server);
    }

    /** The server whose data is on the small disk, if there is one. */
    public Optional<String> smallDiskServer() {
        return disk == null ? Optional.empty() : Optional.of(serverName(settings.servers()));
    }

    public Optional<SmallDisk> disk() {
        return Optional.ofNullable(disk);
    }

    /** Why there is no small disk. */
    public String diskRefusal() {
        return diskRefusal;
    }

    /** SIGKILLs a server, deletes everything in its data directory, and starts it again empty. */
    public void wipe(String server) {
        RoleJvm role = servers.get(server);
        role.kill();
        deleteContents(dataDir(server));
        role.start();
    }

    /** Every fault undone: links healed, paused roles resumed, the disk freed, every role that is down started. */
    public void healAll() throws IOException {
        links.values().forEach(LinkRelay::heal);
        if (disk != null) {
            disk.free();
        }
        for (RoleJvm role : roles()) {
            role.resume();
            role.start();
        }
    }

    private static void deleteContents(Path directory) {
        try (Stream<Path> tree = Files.walk(directory)) {
            tree.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory)).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not wipe " + directory, e);
        }
    }

    /** Stops every role (SIGTERM, then SIGKILL), closes the relays and unmounts the small disk; once. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<RoleJvm> all = new ArrayList<>(roles());
        java.util.Collections.reverse(all);
        all.forEach(RoleJvm::stop);
        links.values().forEach(LinkRelay::close);
        if (disk != null) {
            disk.close();
        }
    }
}
