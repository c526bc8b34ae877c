package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.chaos.BoardReader;
import org.bulletinboard.chaos.check.StoredEvent;
import org.bulletinboard.client.ClusterCheck;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.Peer;
import org.bulletinboard.server.replication.PeerClient;
import org.bulletinboard.support.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import org.zeromq.ZContext;

/**
 * The chart on a real Kubernetes, every CI run: Testcontainers' K3sContainer (stock rancher/k3s with Docker, or the
 * harness's Kubernetes 1.20 where there is none), the image Jib built imported into the node, the chart installed
 * with helm-java, and then what breaks a cluster in practice: pods deleted, by force too, the broker lost, a
 * rolling restart and a scale out and in, all under load, each followed by a check that every acknowledged write
 * is held, exactly once, by every server (read from each server's own log through its peer port). The tests run
 * in order on one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesClusterIT {
    private static final String NAMESPACE = "bbs";
    private static final String RELEASE = "bb";
    private static final Path CHART = Path.of("helm", "bulletinboard");
    /** For helm --wait: a cold node on 2 busy cores pulls nothing but still takes minutes to start 9 JVMs. */
    private static final Duration READY = Duration.ofMinutes(6);
    private static final Duration AGREE = Duration.ofSeconds(60);
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) events");
    private static final Pattern CLIENT_GAP = Pattern.compile("clients went at most (\\d+) ms");
    /**
     * Values of every install and upgrade: the drills write thousands of posts to one channel, and the check that
     * each acknowledged one is held needs them all kept (retention is tested apart).
     */
    private static final Map<String, Object> ALWAYS = Map.of("config.historyKeep", 100_000);
    /**
     * The longest a client may go without an answer while a pod is deleted: generous for a 2-core machine running
     * Kubernetes and the load (a broker's loss once cost 5.7-8.5 s; a try's timeout is 2.5 s).
     */
    private static final Duration GAP_BOUND = Duration.ofSeconds(5);

    private K3sContainer k3s;
    private String kubeconfig;
    private KubernetesClient kube;
    private ZContext context;
    private PodForward broker;
    private PodForward proxy;
    /** One forward to each broker pod and to each proxy pod, as a client in the cluster reaches them. */
    private final List<PodForward> brokerPods = new ArrayList<>();
    private final List<PodForward> proxyPods = new ArrayList<>();
    private final Map<String, PodForward> peers = new HashMap<>();

    @BeforeAll
    void startKubernetesAndInstallTheChart() {
        Path image = ContainerEngine.requireEngineAndImage();
        long started = System.nanoTime();
        k3s = new K3sContainer(DockerImageName.parse(System.getProperty("bbs.k3s.image", "rancher/k3s:v1.31.4-k3s1"))
                .asCompatibleSubstituteFor("rancher/k3s"))
                // Images in this directory are imported when the node starts: no registry needed.
                .withCopyFileToContainer(MountableFile.forHostPath(image), "/var/lib/rancher/k3s/agent/images/bulletinboard.tar");
        k3s.start();
        kubeconfig = k3s.getKubeConfigYaml();
        kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
        phase("Kubernetes " + kube.getKubernetesVersion().getGitVersion() + " up", started);

        started = System.nanoTime();
        Release release;
        try {
            var install = new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE).createNamespace()
                    .withKubeConfigContents(kubeconfig).waitReady().withTimeout((int) READY.toSeconds());
            ALWAYS.forEach(install::set);
            release = install.call();
        } catch (IllegalStateException e) {
            throw new AssertionError("helm install --wait failed (" + e.getMessage() + "); pods:\n" + podStates(), e);
        }
        assertEquals("deployed", release.getStatus());
        phase("helm install --wait", started);
        context = new ZContext();
        broker = new PodForward(kube, NAMESPACE, 5555, () -> readyPod("broker"));
        proxy = new PodForward(kube, NAMESPACE, 5558, () -> readyPod("proxy"));
        for (int i = 0; i < 2; i++) {
            int index = i;
            brokerPods.add(new PodForward(kube, NAMESPACE, 5555, () -> readyPod("broker", index)));
            proxyPods.add(new PodForward(kube, NAMESPACE, 5558, () -> readyPod("proxy", index)));
        }
    }

    @AfterAll
    void stop() throws IOException {
        for (PodForward forward : peers.values()) {
            forward.close();
        }
        for (PodForward forward : new PodForward[] {broker, proxy}) {
            if (forward != null) {
                forward.close();
            }
        }
        for (PodForward forward : brokerPods) {
            forward.close();
        }
        for (PodForward forward : proxyPods) {
            forward.close();
        }
        if (context != null) {
            context.close();
        }
        if (kube != null) {
            kube.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    @Order(1)
    void everyPodIsReadyAndHelmTestPasses() {
        for (Pod pod : kube.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", RELEASE).list().getItems()) {
            assertTrue(ClusterNode.ready(pod), pod.getMetadata().getName() + " ready");
        }
        assertEquals(3, servers().size());
        long started = System.nanoTime();
        Release tested = Helm.test(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig)
                .withTimeout(180).call();
        phase("helm test (bbs check in the cluster): " + tested.getStatus(), started);
        // helm test fails the call if the pod fails; a pod that passed is removed (a failed one is kept for its logs).
        Await.until(Duration.ofSeconds(60), "the test pod, passed, to be removed (a failed one is kept for its logs)",
                () -> kube.pods().inNamespace(NAMESPACE).withName(RELEASE + "-test-check").get() == null);
        // The same check from outside, through the broker and proxy forwarded to this machine.
        assertTrue(ClusterCheck.run(new ClusterCheck.Config(broker.endpoint(), proxy.endpoint(),
                Duration.ofSeconds(3), 3, Duration.ofSeconds(20)), System.out));
    }

    @Test
    @Order(2)
    void serversHaveStableNamesAndVolumesOfTheirOwnAndComeBackWithWhatTheyHeld() throws Exception {
        List<Map<?, ?>> registered = referenceList();
        assertEquals(Set.of(0, 1, 2).stream().map(this::serverAddress).collect(Collectors.toSet()),
                registered.stream().map(entry -> (String) entry.get("address")).collect(Collectors.toSet()),
                "every server registered under its StatefulSet DNS name");
        List<PersistentVolumeClaim> claims = kube.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems();
        Set<String> volumes = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String claimName = "data-" + server(i);
            PersistentVolumeClaim claim = claims.stream().filter(c -> c.getMetadata().getName().equals(claimName))
                    .findFirst().orElseThrow(() -> new AssertionError("no claim " + claimName + " in " + claims));
            assertEquals("Bound", claim.getStatus().getPhase(), claimName);
            volumes.add(claim.getSpec().getVolumeName());
        }
        assertEquals(3, volumes.size(), "a volume of its own for each server");

        try (BoardClient client = client()) {
            assertTrue(client.login("before").ok());
            assertTrue(client.createChannel("volumes").ok());
            for (int i = 0; i < 20; i++) {
                assertTrue(client.publish("before", "volumes", "held before " + i).ok());
            }
        }
        awaitServersAgree(3);
        Set<String> heldBefore = eventIds(server(1));
        String uid = pod(server(1)).getMetadata().getUid();
        kube.pods().inNamespace(NAMESPACE).withName(server(1)).delete();
        awaitReplaced(server(1), uid);
        Matcher recovered = RECOVERED.matcher(kube.pods().inNamespace(NAMESPACE).withName(server(1)).getLog());
        assertTrue(recovered.find(), "the new pod's log says what it recovered from its volume");
        assertTrue(Long.parseLong(recovered.group(1)) >= heldBefore.size(),
                "recovered " + recovered.group(1) + " events from its volume, held " + heldBefore.size());
        assertTrue(eventIds(server(1)).containsAll(heldBefore), "everything it held before");
        awaitServersAgree(3);
    }

    @Test
    @Order(3)
    void drillsUnderLoadLoseAndDuplicateNoAcknowledgedWrite() throws Exception {
        try (BoardClient setup = client()) {
            assertTrue(setup.login("writer").ok());
            assertTrue(setup.createChannel("drill").ok());
        }
        try (DrillWriter writer = new DrillWriter(endpoints(brokerPods), "writer", "drill");
             DrillSubscriber subscriber = new DrillSubscriber(context,
                     proxyPods.stream().map(PodForward::endpoint).toList(), "drill")) {
            writer.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
            long subscribed = System.nanoTime();
            Await.until(READY, "publications through both proxies", () -> subscriber.receivedSince(subscribed) >= 20);

            // A server pod force-deleted: its process gets no time to stop cleanly.
            String uid = pod(server(2)).getMetadata().getUid();
            long killed = System.nanoTime();
            kube.pods().inNamespace(NAMESPACE).withName(server(2)).withGracePeriod(0).delete();
            awaitReplaced(server(2), uid);
            phase("force-deleted " + server(2) + " back and ready", killed);
            writer.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
            System.out.printf("server pod force-deleted: clients went at most %d ms without an answer, subscribers %d"
                    + " ms without a publication%n", writer.longestSilenceMillisSince(killed),
                    subscriber.longestSilenceMillisSince(killed));
            assertHeldExactlyOnceEverywhere(writer.acknowledged(), 3);

            // Every broker pod deleted one after another, then a proxy pod and the reference server's: the writer
            // goes on through the other broker, the subscriber hears the other proxy, and each Deployment replaces
            // what was deleted.
            // A second load runs in the client pod, which reaches every broker and proxy pod as clients in the
            // cluster do (the forwards add a new API stream to every connection a client opens on failover).
            ByteArrayOutputStream inCluster = new ByteArrayOutputStream();
            try (ExecWatch drill = kube.pods().inNamespace(NAMESPACE).withName(readyPod("client"))
                    .inContainer("client").redirectingInput().writingOutput(inCluster).writingError(inCluster)
                    .exec("sh", "-c", "JAVA_OPTS='-Xmx96m -XX:+UseSerialGC' exec bbs drill --brokers tcp://" + RELEASE
                            + "-broker-headless:5555 --proxies tcp://" + RELEASE + "-proxy-headless:5558")) {
                Await.until(READY, "the load in the client pod running", () -> text(inCluster).contains("load running"));
                for (String oldBroker : readyPods("broker")) {
                    deleteUnderLoad("broker", oldBroker, 2, writer, subscriber, drill, inCluster);
                }
                deleteUnderLoad("proxy", readyPod("proxy"), 2, writer, subscriber, drill, inCluster);
                deleteUnderLoad("reference", readyPod("reference"), 1, writer, subscriber, drill, inCluster);
                drill.getInput().write("stop\n".getBytes(StandardCharsets.UTF_8));
                drill.getInput().flush();
                Await.until(AGREE, "the load in the client pod stopped", () -> text(inCluster).contains("load stopped"));
                System.out.print(text(inCluster).lines().filter(line -> line.startsWith("load stopped")
                        || line.startsWith("  failed")).map(line -> "in the client pod: " + line + "\n")
                        .collect(Collectors.joining()));
            }
            assertHeldExactlyOnceEverywhere(writer.acknowledged(), 3);

            // A configuration change rolls every pod, the servers one at a time.
            long rolling = System.nanoTime();
            upgrade(Map.of("config.catchUpMs", 4000));
            awaitServersAgree(3);
            long[] roll = writer.attemptsAndFailuresSince(rolling);
            System.out.printf("rolling restart: %d writes, %d failed (%.1f%%), in %d s%n", roll[0], roll[1],
                    roll[0] == 0 ? 0.0 : 100.0 * roll[1] / roll[0], (System.nanoTime() - rolling) / 1_000_000_000);
            writer.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
            assertHeldExactlyOnceEverywhere(writer.acknowledged(), 3);

            // Scale out to five servers and back to three, serving all along.
            long scaling = System.nanoTime();
            upgrade(Map.of("config.catchUpMs", 4000, "servers.replicas", 5));
            awaitServersAgree(5);
            writer.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
            assertHeldExactlyOnceEverywhere(writer.acknowledged(), 5);
            upgrade(Map.of("config.catchUpMs", 4000, "servers.replicas", 3));
            awaitServersAgree(3);
            writer.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
            long[] scaled = writer.attemptsAndFailuresSince(scaling);
            System.out.printf("scaled 3 -> 5 -> 3: %d writes, %d failed%n", scaled[0], scaled[1]);
            assertHeldExactlyOnceEverywhere(writer.acknowledged(), 3);
        }
    }

    @Test
    @Order(4)
    void logsAttachAndStatusWorkAsOperatorsUseThem() throws Exception {
        String log = kube.pods().inNamespace(NAMESPACE).withName(server(0)).getLog();
        assertTrue(log.contains("[server/" + server(0) + "]"), "kubectl logs names the server:\n" + tail(log));

        String clientPod = readyPod("client");
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (ExecWatch terminal = kube.pods().inNamespace(NAMESPACE).withName(clientPod).inContainer("client")
                .redirectingInput().writingOutput(screen).withTTY().attach()) {
            terminal.resize(120, 40); // as a terminal window would: the line editor lays lines out by its size
            type(terminal, "/login ana");
            awaitOnScreen(screen, "Logged in as ana");
            type(terminal, "/channel attached");
            type(terminal, "/join attached");
            awaitOnScreen(screen, "Joined attached");
            type(terminal, "hello through kubectl attach");
            // The post comes back live once the new subscription has reached every server's publisher (ZeroMQ
            // drops what a publisher sends before that), and in any case in the channel's history.
            type(terminal, "/history attached");
            awaitOnScreen(screen, "ana: hello through kubectl attach");
        }

        String table = status(clientPod);
        System.out.println(table);
        assertTrue(table.contains("coordinator") && table.contains("CLOCK OFFSET") && table.contains(" ms"), table);
        assertEquals(3, table.lines().filter(line -> line.startsWith(RELEASE + "-server-")).count(), table);
        // The bots keep writing, and status reads the servers one after another: a write in flight between two
        // readings shows as differing digests. Once no write is in flight during a reading, all are equal.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!table.contains("Every server holds the same events.") && System.nanoTime() < deadline) {
            table = status(clientPod);
        }
        assertTrue(table.contains("Every server holds the same events."), table);
    }

    /** What {@code bbs status} prints, run in the client pod. */
    private String status(String clientPod) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecWatch status = kube.pods().inNamespace(NAMESPACE).withName(clientPod).inContainer("client")
                .writingOutput(out).exec("bbs", "status")) {
            assertEquals(0, status.exitCode().get(60, TimeUnit.SECONDS));
        }
        return text(out);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private String server(int index) {
        return RELEASE + "-server-" + index;
    }

    private String serverAddress(int index) {
        return "tcp://" + server(index) + "." + RELEASE + "-server-headless." + NAMESPACE + ".svc.cluster.local:5560";
    }

    /** The server pods that serve now (a scaled-in one on its way out is not among them). */
    private List<String> servers() {
        return ClusterNode.pods(kube, NAMESPACE, RELEASE, "server").stream().filter(ClusterNode::ready)
                .map(p -> p.getMetadata().getName()).toList();
    }

    private String readyPod(String component) {
        return ClusterNode.readyPod(kube, NAMESPACE, RELEASE, component);
    }

    /** The ready pods of a component, by name. */
    private List<String> readyPods(String component) {
        return ClusterNode.pods(kube, NAMESPACE, RELEASE, component).stream().filter(ClusterNode::ready)
                .map(pod -> pod.getMetadata().getName()).toList();
    }

    /** The {@code index}-th ready pod of a component by name, or the last if there are fewer; null if none. */
    private String readyPod(String component, int index) {
        List<String> ready = readyPods(component);
        return ready.isEmpty() ? null : ready.get(Math.min(index, ready.size() - 1));
    }

    private static String endpoints(List<PodForward> forwards) {
        return String.join(",", forwards.stream().map(PodForward::endpoint).toList());
    }

    /**
     * Deletes a pod under load, waits until writes are acknowledged and publications received after it and its
     * Deployment has {@code replicas} ready again, and prints the longest the writers went without an answer and the
     * subscribers without a publication: the writer here through the forwards, and the load in the client pod (its
     * window closed by a mark on its input before and after). Asserts that the clients in the pod stay within a
     * generous bound.
     */
    private void deleteUnderLoad(String component, String pod, int replicas, DrillWriter writer,
                                 DrillSubscriber subscriber, ExecWatch drill, ByteArrayOutputStream inCluster)
            throws IOException {
        mark(drill, inCluster, "before " + pod);
        long deleted = System.nanoTime();
        kube.pods().inNamespace(NAMESPACE).withName(pod).delete();
        Await.until(READY, "writes answered and publications received after " + pod + " was deleted",
                () -> writer.acknowledgedSince(deleted) >= 20 && subscriber.receivedSince(deleted) >= 20);
        Await.until(READY, pod + " replaced", () -> ClusterNode.pods(kube, NAMESPACE, RELEASE, component).stream()
                .filter(p -> !p.getMetadata().getName().equals(pod)).filter(ClusterNode::ready).count() >= replicas);
        String window = mark(drill, inCluster, pod + " deleted");
        System.out.printf("%s pod deleted: through forwards, clients went at most %d ms without an answer,"
                + " subscribers %d ms without a publication; in the client pod, %s%n", component,
                writer.longestSilenceMillisSince(deleted), subscriber.longestSilenceMillisSince(deleted),
                window.substring(window.indexOf(": ") + 2));
        Matcher gap = CLIENT_GAP.matcher(window);
        assertTrue(gap.find(), window);
        assertTrue(Long.parseLong(gap.group(1)) < GAP_BOUND.toMillis(), component + " pod deleted: " + window);
    }

    /** Closes the client pod's load window: returns the line it printed for it. */
    private static String mark(ExecWatch drill, ByteArrayOutputStream out, String label) throws IOException {
        drill.getInput().write(("mark " + label + "\n").getBytes(StandardCharsets.UTF_8));
        drill.getInput().flush();
        String prefix = "window " + label + ":";
        // The whole line: the output may be read while the pod is still writing it.
        Await.until(AGREE, "the client pod's window '" + label + "'", () -> text(out).lines()
                .anyMatch(line -> line.startsWith(prefix) && line.endsWith("without a publication")));
        return text(out).lines().filter(line -> line.startsWith(prefix)).findFirst().orElseThrow();
    }

    private Pod pod(String name) {
        return kube.pods().inNamespace(NAMESPACE).withName(name).get();
    }

    private BoardClient client() {
        return new BoardClient(context, broker.endpoint(), Stamper.systemClock(), Duration.ofSeconds(3), 5, () -> false);
    }

    /** Waits until the pod named {@code name} is a new one (another uid) and ready. */
    private void awaitReplaced(String name, String oldUid) {
        Await.until(READY, name + " replaced and ready", () -> {
            Pod pod = pod(name);
            return pod != null && !pod.getMetadata().getUid().equals(oldUid) && ClusterNode.ready(pod);
        });
    }

    private void upgrade(Map<String, Object> values) {
        long started = System.nanoTime();
        var upgrade = new Helm(CHART).upgrade().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeConfigContents(kubeconfig).waitReady().withTimeout((int) READY.toSeconds());
        ALWAYS.forEach(upgrade::set);
        values.forEach(upgrade::set);
        assertEquals("deployed", upgrade.call().getStatus());
        phase("helm upgrade " + values, started);
    }

    /** The reference server's live list, through a forward to its pod (it answers servers only; we ask as one). */
    private List<Map<?, ?>> referenceList() throws Exception {
        try (PodForward reference = new PodForward(kube, NAMESPACE, 5559, () -> readyPod("reference"));
             LazyPirateClient client = new LazyPirateClient(context, reference.endpoint(), Duration.ofSeconds(3), 3,
                     () -> false)) {
            Envelope reply = Envelope.decode(client.request(new Envelope(Services.LIST, Map.of()).encode()));
            return new Reply(reply.service(), reply.data()).maps("list");
        }
    }

    /** Waits until {@code count} servers are ready, listed by status, and hold the same events (equal digests). */
    private void awaitServersAgree(int count) {
        Await.until(AGREE, count + " servers ready with equal digests", () -> {
            try (BoardClient client = client()) {
                List<Map<?, ?>> rows = client.call(Services.STATUS, Map.of()).maps("servers");
                return rows.size() == count && rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ready")))
                        && rows.stream().map(r -> r.get("digest")).distinct().count() == 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * Every acknowledged write is held by every server exactly once: at least one event carries its request id,
     * and no origin wrote two for it. (A retry that reached a second server before the first one's event did may
     * leave one event from each origin; every server shows only the last in history order, as the README says.)
     */
    private void assertHeldExactlyOnceEverywhere(List<String> acknowledged, int serverCount) throws Exception {
        awaitServersAgree(serverCount);
        for (String server : servers()) {
            Map<String, List<StoredEvent>> byRequest = new HashMap<>();
            for (StoredEvent event : held(server).events()) {
                if (event.request() != null && event.request().startsWith("drill-")) {
                    byRequest.computeIfAbsent(event.request(), r -> new ArrayList<>()).add(event);
                }
            }
            List<String> lost = acknowledged.stream().filter(id -> !byRequest.containsKey(id)).toList();
            Map<String, List<String>> duplicated = new LinkedHashMap<>();
            byRequest.forEach((request, events) -> {
                List<String> origins = events.stream().map(StoredEvent::origin).toList();
                if (new HashSet<>(origins).size() != origins.size()) {
                    duplicated.put(request, events.stream().map(e -> e.id() + "@" + e.lamport()).toList());
                }
            });
            assertEquals(List.of(), lost, server + " lost acknowledged writes");
            assertEquals(Map.of(), duplicated, server + " holds a write twice from one origin");
            System.out.printf("%s holds all %d acknowledged writes, each once%n", server, acknowledged.size());
        }
    }

    /** The ids of every event a server holds: those it sends, and those its checkpoint covers. */
    private Set<String> eventIds(String server) throws Exception {
        BoardReader.Held held = held(server);
        Set<String> ids = held.events().stream().map(StoredEvent::id).collect(Collectors.toCollection(HashSet::new));
        ids.addAll(held.folded().coveredIds());
        return ids;
    }

    /**
     * Everything a server holds, through its peer port, read as a wiped peer reads it (see {@link BoardReader}).
     * A reading whose request goes unanswered is read again on a new connection: the API server's port-forward
     * stream, not the server, is what now and then stalls on this 2-core machine, and a read is safe to repeat.
     */
    private BoardReader.Held held(String server) throws Exception {
        PodForward forward = peers.computeIfAbsent(server, name -> new PodForward(kube, NAMESPACE, 5560, () -> name));
        for (int attempt = 1; ; attempt++) {
            try (PeerClient peer = new PeerClient(context, new Peer(server, 0, forward.endpoint()),
                    Stamper.systemClock(), Duration.ofSeconds(10), () -> false)) {
                BoardReader.Held held = BoardReader.events(peer::call);
                assertNotEquals(0, held.events().size() + held.folded().coveredIds().size(), server + " holds events");
                return held;
            } catch (RequestTimeoutException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.printf("reading %s through its forward: %s; reading again%n", server, e.getMessage());
            }
        }
    }

    /** Each pod's phase, readiness and last container state, for a failure message. */
    private String podStates() {
        StringBuilder states = new StringBuilder();
        for (Pod pod : kube.pods().inNamespace(NAMESPACE).list().getItems()) {
            states.append(pod.getMetadata().getName()).append(' ').append(pod.getStatus().getPhase())
                    .append(ClusterNode.ready(pod) ? " ready " : " not ready ")
                    .append(pod.getStatus().getContainerStatuses()).append('\n');
        }
        return states.toString();
    }

    private static void type(ExecWatch terminal, String line) throws IOException {
        terminal.getInput().write((line + "\r").getBytes(StandardCharsets.UTF_8));
        terminal.getInput().flush();
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Waits for {@code expected} on a terminal's screen, read without its control sequences. */
    private static void awaitOnScreen(ByteArrayOutputStream screen, String expected) {
        try {
            Await.until(Duration.ofSeconds(30), "'" + expected + "' on the attached terminal",
                    () -> plain(screen).contains(expected));
        } catch (AssertionError e) {
            String shown = plain(screen);
            throw new AssertionError(e.getMessage() + "; the screen ends with:\n"
                    + shown.substring(Math.max(0, shown.length() - 2000)), e);
        }
    }

    /** What a terminal shows as text: escape sequences and carriage returns left out. */
    private static String plain(ByteArrayOutputStream screen) {
        return text(screen).replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "").replace("\r", "");
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    private static void phase(String what, long startedNanos) {
        System.out.printf("%s: %.1f s%n", what, (System.nanoTime() - startedNanos) / 1e9);
    }
}
