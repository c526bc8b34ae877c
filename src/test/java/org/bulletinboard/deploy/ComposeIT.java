package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.client.ClusterCheck;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/**
 * docker-compose.yml on real containers: Jib's image loaded into the engine, the whole file up under a project name
 * of its own on free host ports, every service healthy, the smoke check and {@code status} from the host, one
 * server stopped (cleanly, quickly) and started again until it has caught up, and everything of the project
 * removed. One line per phase with its duration. Compose v2 ({@code docker compose}) where it is installed, else
 * docker-compose 1.x; the engine may be Docker or podman with its Docker API.
 */
class ComposeIT {
    private static final String FILE = "docker-compose.yml";
    /** What each container reports once it serves: the healthcheck asks /readyz. */
    private static final String HEALTHY = "running healthy";
    /** A server recovers its log and registers within the healthcheck's start_period (60 s). */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
    /** Bots keep writing, so the servers' digests agree only between replications: poll for a moment they do. */
    private static final Duration AGREE_WITHIN = Duration.ofSeconds(60);
    /** Each Compose command; `up -d` waits for reference, broker and proxy to turn healthy before it returns. */
    private static final Duration COMMAND_WITHIN = Duration.ofSeconds(150);
    /** Compose gives a stopping container stop_grace_period (30 s) before SIGKILL; a server needs under a second. */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    /**
     * What Compose prints (v1 "Stopping <container> ...", v2 "Container <container>  Stopping") once it has looked
     * the project up and asks the engine to stop a container: the start of the server's own share of `stop`, which
     * Compose's start-up and bookkeeping would hide (seconds with docker-compose 1.29, tens on a busy machine).
     */
    private static final String STOPPING = "Stopping";
    private static final String STOPPED = "server-2";
    /** What `status` must say of a cluster that has formed and caught up (see {@link #servers}). */
    private static final String AGREED = "servers [server-1, server-2, server-3], ready 3, coordinators 1, digests 1";
    /** One line per container: "service#number state", the state with its health while it runs. */
    private static final String CONTAINER_FORMAT = "{{index .Config.Labels \"com.docker.compose.service\"}}"
            + "#{{index .Config.Labels \"com.docker.compose.container-number\"}} {{.State.Status}}"
            + "{{if .State.Running}}{{if .State.Health}} {{.State.Health.Status}}{{end}}{{else}} {{.State.ExitCode}}{{end}}";

    private final String project = "bbs-it-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final int brokerPort = FreePorts.block(2);
    private final int proxyPort = brokerPort + 1;
    private final String image = ContainerEngine.imageName();
    /** How Compose is run here; null until found, and then the project may exist and must go. */
    private List<String> compose;

    /** A command's outcome; sinceMark: how long it ran after its output first held the mark, if one was asked. */
    private record Result(List<String> command, int exit, String out, String err, Duration sinceMark) {
        Result succeeded() {
            assertEquals(0, exit, String.join(" ", command) + " failed:\n" + out + err);
            return this;
        }
    }

    @Test
    void theFileRunsAHealthyClusterThatOutlivesAStoppedServer() throws Exception {
        Path archive = ContainerEngine.requireEngineAndImage();
        compose = findCompose();
        System.out.println("ComposeIT: " + String.join(" ", compose) + " -p " + project + ", image " + image
                + ", broker on host port " + brokerPort + ", proxy on " + proxyPort);
        timed("load", () -> {
            System.out.println(docker(Duration.ofMinutes(2), "load", "-i", archive.toString()).succeeded().out().strip());
            // Podman lists the loaded image as localhost/<name> and resolves the short name to it; Docker keeps it.
            docker(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Id}}", image).succeeded();
        });
        Map<String, String> allHealthy = new TreeMap<>();
        expectedContainers().forEach(container -> allHealthy.put(container, HEALTHY));

        try (ZContext context = new ZContext();
             BoardClient board = new BoardClient(context, "tcp://127.0.0.1:" + brokerPort, Stamper.systemClock())) {
            timed("up", () -> compose("up", "-d").succeeded());
            timed("healthy", () -> Await.equal(HEALTHY_WITHIN, "every service healthy", () -> allHealthy,
                    this::containers));
            timed("check", () -> {
                assertTrue(ClusterCheck.run(new ClusterCheck.Config("tcp://127.0.0.1:" + brokerPort,
                        "tcp://127.0.0.1:" + proxyPort, BoardClient.DEFAULT_TIMEOUT, BoardClient.DEFAULT_ATTEMPTS,
                        Duration.ofSeconds(10)), System.out), "bbs check through the published ports");
                Await.equal(AGREE_WITHIN, "the servers to agree", () -> AGREED, () -> servers(board));
            });

            timed("stop", () -> {
                Duration stopped = run(COMMAND_WITHIN, composeLine("stop", STOPPED), STOPPING).succeeded().sinceMark();
                assertNotNull(stopped, "Compose never said " + STOPPING + " " + STOPPED);
                System.out.printf("ComposeIT: %s stopped %.1f s after Compose asked the engine%n", STOPPED,
                        stopped.toMillis() / 1000.0);
                // 0 is a clean exit on SIGTERM; a server killed at the end of the grace period would show 137.
                assertEquals("exited 0", containers().get(STOPPED + "#1"), STOPPED + " after `stop`");
                assertTrue(stopped.compareTo(STOP_WITHIN) < 0, STOPPED + " took " + stopped.toMillis() + " ms to stop");
            });

            timed("start", () -> {
                compose("start", STOPPED).succeeded();
                Await.equal(HEALTHY_WITHIN, STOPPED + " healthy again", () -> allHealthy, this::containers);
                Await.equal(AGREE_WITHIN, STOPPED + " caught up", () -> AGREED, () -> servers(board));
            });
        } catch (Throwable failure) {
            // What the services said, for whoever reads the failure (the project is gone after the test).
            try {
                System.out.println(compose("logs", "--no-color", "--tail=40").out());
            } catch (Throwable noLogs) {
                failure.addSuppressed(noLogs);
            }
            throw failure;
        }
    }

    /** Removes the project's containers, network and volumes (-v), and nothing else: the image stays. */
    @AfterEach
    void down() {
        if (compose != null) {
            timed("down", () -> compose("down", "-v", "--remove-orphans").succeeded());
        }
    }

    /** `docker compose` (v2) where the plugin is installed, else docker-compose (v1, e.g. Debian's 1.29). */
    private List<String> findCompose() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (run(Duration.ofSeconds(30), version).exit() == 0) {
                    return candidate;
                }
            } catch (UncheckedIOException notInstalled) {
                // try the next
            }
        }
        return ContainerEngine.skip("neither `docker compose` nor `docker-compose` is installed; the Compose test needs one");
    }

    /** The containers `up` starts, as "service#number": every service outside a profile, deploy.replicas times. */
    private static Set<String> expectedContainers() throws IOException {
        Set<String> containers = new TreeSet<>();
        DeployFiles.yaml(FILE).path("services").properties().forEach(service -> {
            if (service.getValue().path("profiles").isMissingNode()) {
                int replicas = service.getValue().path("deploy").path("replicas").asInt(1);
                for (int number = 1; number <= replicas; number++) {
                    containers.add(service.getKey() + "#" + number);
                }
            }
        });
        return containers;
    }

    /**
     * The project's containers and their states ("server-2#1" -> "running healthy", or "exited 0"), read from the
     * engine: Compose v1 and v2 label their containers alike but print `ps` differently. What went wrong instead,
     * if the engine did not answer.
     */
    private Map<String, String> containers() {
        Result ids = docker(Duration.ofSeconds(30), "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project);
        List<String> inspect = new ArrayList<>(List.of("docker", "inspect", "--format", CONTAINER_FORMAT));
        inspect.addAll(ids.out().lines().toList());
        Result states = ids.exit() == 0 && !ids.out().isBlank() ? run(Duration.ofSeconds(30), inspect) : ids;
        if (states.exit() != 0) {
            return Map.of("error", String.join(" ", states.command()) + ": " + states.err().strip());
        }
        Map<String, String> containers = new TreeMap<>();
        // Podman's Docker API says "stopped" for a container that has exited but is not cleaned up yet (between a
        // restart policy's restarts, say), where Docker says "exited" or "restarting".
        states.out().lines().map(line -> line.split(" ", 2))
                .forEach(c -> containers.put(c[0], c[1].replaceFirst("^stopped ", "exited ")));
        return containers;
    }

    /** What `status` through the broker says of the servers: their names, how many ready, coordinators, digests. */
    private static String servers(BoardClient board) {
        try {
            Reply status = board.call(Services.STATUS, Map.of());
            if (!status.ok()) {
                return "refused: " + status.error();
            }
            List<Map<?, ?>> rows = status.maps("servers");
            return "servers " + new TreeSet<>(rows.stream().map(row -> String.valueOf(row.get("name"))).toList())
                    + ", ready " + rows.stream().filter(row -> Boolean.TRUE.equals(row.get("ready"))).count()
                    + ", coordinators " + rows.stream().filter(row -> Boolean.TRUE.equals(row.get("coordinator"))).count()
                    + ", digests " + rows.stream().map(row -> row.get("digest")).distinct().count();
        } catch (RequestTimeoutException e) {
            return "no answer: " + e.getMessage();
        }
    }

    private Result compose(String... args) {
        return run(COMMAND_WITHIN, composeLine(args));
    }

    /** A Compose command line for this project. */
    private List<String> composeLine(String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", DeployFiles.ROOT.resolve(FILE).toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Result docker(Duration within, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(within, command);
    }

    private Result run(Duration within, List<String> command) {
        return run(within, command, null);
    }

    /**
     * Runs a command to its end, within a bound, with the file's variables set (image and host ports), noting when
     * its output first holds {@code mark} (null: no mark). Output goes to files, not pipes, so nothing blocks on a
     * full pipe; a command still running at the bound is ended with its children.
     */
    private Result run(Duration within, List<String> command, String mark) {
        try {
            Path out = Files.createTempFile("compose-it", ".out");
            Path err = Files.createTempFile("compose-it", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                builder.environment().putAll(Map.of("BBS_IMAGE", image, "BBS_BROKER_PORT", String.valueOf(brokerPort),
                        "BBS_PROXY_PORT", String.valueOf(proxyPort)));
                Process process = builder.start();
                try {
                    AtomicLong marked = new AtomicLong();
                    Await.until(within, String.join(" ", command) + " to finish", () -> {
                        if (mark != null && marked.get() == 0 && (read(out) + read(err)).contains(mark)) {
                            marked.set(System.nanoTime());
                        }
                        return !process.isAlive();
                    });
                    Duration sinceMark = marked.get() == 0 ? null : Duration.ofNanos(System.nanoTime() - marked.get());
                    return new Result(command, process.exitValue(), read(out), read(err), sinceMark);
                } catch (AssertionError timedOut) {
                    throw new AssertionError(timedOut.getMessage() + ", it said:\n" + read(out) + read(err), timedOut);
                } finally {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } finally {
                Files.delete(out);
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one phase and prints how long it took. */
    private static void timed(String phase, Runnable step) {
        long started = System.nanoTime();
        step.run();
        System.out.printf("ComposeIT: %-8s %6.1f s%n", phase, (System.nanoTime() - started) / 1e9);
    }
}
