package org.bulletinboard.deploy;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * docker-compose.yml against the deployment contract (roles, ports, variables). The contract's facts are named once
 * below; every check derives what the file must hold from them.
 */
class ComposeFileTest {
    /** Every long-running role serves /healthz and /readyz on BBS_HTTP_PORT; deployments set 8080. */
    private static final int HTTP_PORT = 8080;
    /** Each role stops cleanly on SIGTERM within this, so Compose must wait at least as long before killing. */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(30);
    private static final String DATA_DIR = "/data";

    /**
     * The roles, with the ports each listens on (by the chart's port names) and how many of each run: servers 3 and
     * bots 2 as the chart's defaults, and two brokers and two proxies, all active, each a service of its own.
     */
    private enum Role {
        REFERENCE(1, Map.of("reference", 5559)),
        BROKER(2, Map.of("clients", 5555, "workers", 5556)),
        PROXY(2, Map.of("publishers", 5557, "subscribers", 5558)),
        SERVER(3, Map.of("peers", 5560)),
        BOT(2, Map.of()),
        CLIENT(1, Map.of());

        final int replicas;
        final Map<String, Integer> ports;

        Role(int replicas, Map<String, Integer> ports) {
            this.replicas = replicas;
            this.ports = ports;
        }

        /** `bbs <role>`: the command, and the name other services reach a single instance (or the first) by. */
        String command() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether each instance is a service of its own, named {@code <role>}, {@code <role>-2}, ... */
        boolean paired() {
            return this == BROKER || this == PROXY;
        }

        /** The services other services reach this role's instances by. */
        List<String> instances() {
            List<String> names = new ArrayList<>(List.of(command()));
            for (int i = 2; paired() && i <= replicas; i++) {
                names.add(command() + "-" + i);
            }
            return names;
        }

        int port(String name) {
            return ports.get(name);
        }
    }

    /**
     * The endpoint variables: the role and port each names, the roles that read it, and whether it lists every
     * instance (clients try each broker, servers work for each and publish to each proxy, subscribers listen to each
     * proxy and keep each publication once) or the one there is.
     */
    private enum Endpoint {
        BBS_REFERENCE(Role.REFERENCE, "reference", EnumSet.of(Role.SERVER), false),
        BBS_BROKER(Role.BROKER, "clients", EnumSet.of(Role.BOT, Role.CLIENT), true),
        BBS_BROKER_SERVERS(Role.BROKER, "workers", EnumSet.of(Role.SERVER), true),
        BBS_PROXY_PUB(Role.PROXY, "publishers", EnumSet.of(Role.SERVER), true),
        BBS_PROXY_SUB(Role.PROXY, "subscribers", EnumSet.of(Role.SERVER, Role.CLIENT), true);

        final Role target;
        final String port;
        final Set<Role> readers;
        final boolean every;

        Endpoint(Role target, String port, Set<Role> readers, boolean every) {
            this.target = target;
            this.port = port;
            this.readers = readers;
            this.every = every;
        }

        String expected() {
            List<String> names = every ? target.instances() : List.of(target.command());
            return String.join(",", names.stream().map(name -> "tcp://" + name + ":" + target.port(port)).toList());
        }
    }

    /** Who waits for whom to be healthy: servers for all they connect to, bots and the client for the front doors. */
    private static final Map<Role, Set<Role>> WAITS_FOR = Map.of(
            Role.SERVER, EnumSet.of(Role.REFERENCE, Role.BROKER, Role.PROXY),
            Role.BOT, EnumSet.of(Role.BROKER, Role.PROXY),
            Role.CLIENT, EnumSet.of(Role.BROKER, Role.PROXY));

    /** A container port published on the host port a variable names, by default the same number. */
    private record Published(int port, String hostPortVariable) {
        /** As the file must write it: "${VARIABLE:-port}->port". */
        String mapping() {
            return "${" + hostPortVariable + ":-" + port + "}->" + port;
        }
    }

    /**
     * What clients on the host use: the broker's client port and the proxy's subscriber port, on host ports a
     * second copy of the file (its own project name) can move.
     */
    private static final Map<Role, Published> PUBLISHED = Map.of(
            Role.BROKER, new Published(Role.BROKER.port("clients"), "BBS_BROKER_PORT"),
            Role.PROXY, new Published(Role.PROXY.port("subscribers"), "BBS_PROXY_PORT"));

    private static JsonNode compose;
    /** Service name to role, in file order. */
    private static Map<String, Role> services;

    @BeforeAll
    static void read() throws Exception {
        compose = DeployFiles.yaml("docker-compose.yml");
        services = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(e -> services.put(e.getKey(), roleOf(e.getValue())));
    }

    @Test
    void everyRoleRunsFromTheOneImageAsOftenAsTheContractSays() throws Exception {
        String image = "${BBS_IMAGE:-" + DeployFiles.pom("/project/properties/image.name") + ":latest}";
        Map<Role, Integer> instances = new TreeMap<>();
        services.forEach((name, role) -> {
            assertEquals(image, service(name).path("image").asText(), name + ": image");
            instances.merge(role, service(name).path("deploy").path("replicas").asInt(1), Integer::sum);
        });
        Map<Role, Integer> expected = new TreeMap<>();
        for (Role role : Role.values()) {
            expected.put(role, role.replicas);
        }
        assertEquals(expected, instances);
    }

    @Test
    void singleInstancesAreReachedByTheirRoleName() {
        services.forEach((name, role) -> {
            if (role.replicas == 1) {
                assertEquals(role.command(), name, "the service running " + role.command());
            } else if (role.paired()) {
                assertTrue(role.instances().contains(name), name + " runs " + role.command());
            }
        });
    }

    @Test
    void eachServerHasAStableNameAndItsOwnNamedVolume() {
        Set<String> volumes = new HashSet<>();
        for (String name : servicesOf(Role.SERVER)) {
            assertTrue(name.matches("server-\\d+"), name);
            Map<String, String> env = environment(name);
            assertEquals(name, env.get("BBS_NAME"), name + ": BBS_NAME");
            assertEquals("tcp://" + name + ":" + Role.SERVER.port("peers"), env.get("BBS_PEER_ADDRESS"), name);
            assertEquals(String.valueOf(Role.SERVER.port("peers")), env.get("BBS_PEER_PORT"), name);
            assertEquals(DATA_DIR, env.get("BBS_DATA"), name);

            List<String> mounts = texts(service(name).path("volumes"));
            assertEquals(1, mounts.size(), name + ": one volume, " + mounts);
            String[] mount = mounts.get(0).split(":");
            assertEquals(DATA_DIR, mount[1], name + ": mounted at " + DATA_DIR);
            assertTrue(compose.path("volumes").has(mount[0]), name + ": a named volume, not a host path: " + mount[0]);
            assertTrue(volumes.add(mount[0]), name + " shares volume " + mount[0]);
        }
        assertEquals(volumes, fieldNames(compose.path("volumes")), "the declared volumes");
        services.keySet().stream().filter(name -> services.get(name) != Role.SERVER)
                .forEach(name -> assertTrue(service(name).path("volumes").isMissingNode(), name + " keeps no data"));
    }

    @Test
    void endpointsNameTheServicesAndTheContractPorts() {
        services.forEach((name, role) -> {
            Map<String, String> env = environment(name);
            assertEquals(String.valueOf(HTTP_PORT), env.get("BBS_HTTP_PORT"), name + ": BBS_HTTP_PORT");
            for (Endpoint endpoint : Endpoint.values()) {
                String expected = endpoint.expected();
                if (endpoint.readers.contains(role) || env.containsKey(endpoint.name())) {
                    assertEquals(expected, env.get(endpoint.name()), name + ": " + endpoint);
                }
            }
        });
    }

    @Test
    void dependentsWaitForWhatTheyConnectToBeHealthy() {
        services.forEach((name, role) -> {
            Map<String, String> conditions = new TreeMap<>();
            JsonNode dependsOn = service(name).path("depends_on");
            if (dependsOn.isArray()) {
                dependsOn.forEach(other -> conditions.put(other.asText(), "service_started"));
            } else {
                dependsOn.fields().forEachRemaining(e -> conditions.put(e.getKey(), e.getValue().path("condition").asText()));
            }
            Map<String, String> expected = new TreeMap<>();
            WAITS_FOR.getOrDefault(role, Set.of()).forEach(other -> other.instances()
                    .forEach(instance -> expected.put(instance, "service_healthy")));
            assertEquals(expected, conditions, name + ": depends_on");
        });
    }

    @Test
    void onlyTheBrokerAndProxyFrontDoorsArePublished() {
        Map<String, Set<String>> published = new TreeMap<>();
        services.keySet().forEach(name -> {
            Set<String> ports = new TreeSet<>();
            service(name).path("ports").forEach(port -> ports.add(hostToContainer(port)));
            if (!ports.isEmpty()) {
                published.put(name, ports);
            }
        });
        Map<String, Set<String>> expected = new TreeMap<>();
        PUBLISHED.forEach((role, port) -> expected.put(role.command(), Set.of(port.mapping())));
        assertEquals(expected, published);
    }

    @Test
    void longRunningServicesProbeReadyzWithoutAJvmAndStopGracefully() {
        services.forEach((name, role) -> {
            Duration grace = duration(service(name).path("stop_grace_period").asText("10s"));
            assertTrue(grace.compareTo(STOP_WITHIN) >= 0, name + ": stop_grace_period " + grace);
            if (role == Role.CLIENT) {
                return;
            }
            JsonNode health = service(name).path("healthcheck");
            assertFalse(health.path("disable").asBoolean(false), name + ": healthcheck disabled");
            List<String> test = texts(health.path("test"));
            String command = String.join(" ", test);
            assertTrue(command.contains("/dev/tcp/127.0.0.1/" + HTTP_PORT), name + ": probes port " + HTTP_PORT + ": " + command);
            assertTrue(command.contains("GET /readyz "), name + ": asks /readyz: " + command);
            assertTrue(command.contains(" 200"), name + ": wants a 200: " + command);
            assertFalse(command.matches(".*\\b(java|bbs)\\b.*"), name + ": starts a JVM: " + command);
            switch (test.get(0)) {
                // /bin/sh may be dash, which has no /dev/tcp
                case "CMD-SHELL" -> assertTrue(test.get(1).startsWith("bash -c "), name + ": " + command);
                // podman 4.3's Docker API joins a CMD array and splits it again on whitespace
                case "CMD" -> test.forEach(arg -> assertFalse(arg.matches(".*\\s.*"), name + ": argument '" + arg + "'"));
                default -> throw new AssertionError(name + ": healthcheck test " + test);
            }
            Duration interval = duration(health.path("interval").asText());
            assertTrue(duration(health.path("timeout").asText()).compareTo(interval) < 0, name + ": timeout < interval");
            assertTrue(health.path("retries").asInt() >= 2, name + ": retries");
            assertTrue(duration(health.path("start_period").asText()).compareTo(interval) > 0, name + ": start_period");
        });
    }

    /** Runs each distinct probe against a stand-in /readyz on a free port: 200 passes, 503 and no listener fail. */
    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void theProbeTellsReadyFromNotReady() throws Exception {
        Set<List<String>> probes = services.keySet().stream().filter(name -> services.get(name) != Role.CLIENT)
                .map(name -> texts(service(name).path("healthcheck").path("test"))).collect(toSet());
        AtomicInteger status = new AtomicInteger();
        HttpServer readyz = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        readyz.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/readyz") ? status.get() : 404, -1);
            exchange.close();
        });
        readyz.start();
        int port = readyz.getAddress().getPort();
        try {
            for (List<String> probe : probes) {
                status.set(200);
                assertEquals(0, run(probe, port), "ready: " + probe);
                status.set(503);
                assertNotEquals(0, run(probe, port), "not ready: " + probe);
            }
        } finally {
            readyz.stop(0);
        }
        for (List<String> probe : probes) {
            assertNotEquals(0, run(probe, port), "nothing listening: " + probe);
        }
    }

    @Test
    void theClientIsInteractiveAndStartsOnlyOnDemand() {
        services.forEach((name, role) -> {
            JsonNode service = service(name);
            if (role == Role.CLIENT) {
                assertTrue(service.path("stdin_open").asBoolean(), name + ": stdin_open");
                assertTrue(service.path("tty").asBoolean(), name + ": tty");
                assertFalse(texts(service.path("profiles")).isEmpty(), name + ": a profile keeps it out of `up`");
            } else {
                assertTrue(service.path("profiles").isMissingNode(), name + " must start with `up`");
            }
        });
    }

    private static JsonNode service(String name) {
        return compose.path("services").path(name);
    }

    private static List<String> servicesOf(Role role) {
        return services.keySet().stream().filter(name -> services.get(name) == role).toList();
    }

    private static Role roleOf(JsonNode service) {
        JsonNode command = service.path("command");
        String first = command.isArray() ? command.path(0).asText() : command.asText().trim().split("\\s+")[0];
        return Role.valueOf(first.toUpperCase(Locale.ROOT));
    }

    /** The environment in either of Compose's forms (map, or list of NAME=value). */
    private static Map<String, String> environment(String name) {
        JsonNode env = service(name).path("environment");
        Map<String, String> variables = new TreeMap<>();
        if (env.isArray()) {
            env.forEach(entry -> {
                String[] pair = entry.asText().split("=", 2);
                variables.put(pair[0], pair.length > 1 ? pair[1] : null);
            });
        } else {
            env.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        }
        return variables;
    }

    /**
     * A port mapping as "host->container", from the short form ([ip:]host:container[/proto], where host may be a
     * variable such as ${BBS_BROKER_PORT:-5555}, itself holding a colon) or the long one.
     */
    private static String hostToContainer(JsonNode port) {
        if (port.isObject()) {
            return port.path("published").asText("random") + "->" + port.path("target").asText();
        }
        String mapping = port.asText().replaceAll("/[a-z]+$", "");
        int colon = mapping.lastIndexOf(':');
        if (colon < 0) {
            return "random->" + mapping;
        }
        String host = mapping.substring(0, colon);
        host = host.endsWith("}") ? host.substring(host.lastIndexOf("${")) : host.substring(host.lastIndexOf(':') + 1);
        return host + "->" + mapping.substring(colon + 1);
    }

    private static List<String> texts(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            return List.of(node.asText());
        }
        return StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A Compose duration: e.g. 30s, 1m30s, 500ms. */
    private static Duration duration(String text) {
        Matcher part = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = part.end();
        }
        assertTrue(end == text.length() && end > 0, "a duration: '" + text + "'");
        return total;
    }

    /** Runs a healthcheck test as the engine would (CMD-SHELL through /bin/sh -c), aimed at the given port. */
    private static int run(List<String> test, int port) throws Exception {
        List<String> args = new ArrayList<>(test.get(0).equals("CMD-SHELL")
                ? List.of("/bin/sh", "-c", test.get(1)) : test.subList(1, test.size()));
        args.replaceAll(arg -> arg.replace("/dev/tcp/127.0.0.1/" + HTTP_PORT, "/dev/tcp/127.0.0.1/" + port));
        Process process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe hung: " + args);
        }
        return process.exitValue();
    }
}
