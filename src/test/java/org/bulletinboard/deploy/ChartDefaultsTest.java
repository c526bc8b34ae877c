package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart rendered with its default values, checked against the deployment contract (contract-issue10.md). */
class ChartDefaultsTest {
    private static final String IMAGE = "bulletinboard:0.1.0-SNAPSHOT";
    /** Workload name to the role it runs (its command and component label). */
    private static final Map<String, String> ROLES = Map.of(
            "bulletinboard-reference", "reference",
            "bulletinboard-broker", "broker",
            "bulletinboard-proxy", "proxy",
            "bulletinboard-server", "server",
            "bulletinboard-bot", "bot",
            "bulletinboard-client", "client");

    private static Rendered rendered;

    @BeforeAll
    static void render() {
        rendered = Chart.render();
    }

    @Test
    void rendersTheObjectsTheContractNames() {
        assertEquals(new TreeSet<>(Set.of(
                        "ConfigMap/bulletinboard-config",
                        "Deployment/bulletinboard-reference",
                        "Deployment/bulletinboard-broker",
                        "Deployment/bulletinboard-proxy",
                        "Deployment/bulletinboard-bot",
                        "Deployment/bulletinboard-client",
                        "StatefulSet/bulletinboard-server",
                        "PodDisruptionBudget/bulletinboard-server",
                        "PodDisruptionBudget/bulletinboard-broker",
                        "PodDisruptionBudget/bulletinboard-proxy",
                        "Service/bulletinboard-reference",
                        "Service/bulletinboard-broker",
                        "Service/bulletinboard-proxy",
                        "Service/bulletinboard-broker-headless",
                        "Service/bulletinboard-proxy-headless",
                        "Service/bulletinboard-server-headless")),
                rendered.names());
    }

    @Test
    void servicesExposeTheContractPortsByName() {
        assertAll(
                () -> assertEquals(Map.of("reference", 5559), ports("bulletinboard-reference")),
                () -> assertEquals(Map.of("clients", 5555, "workers", 5556), ports("bulletinboard-broker")),
                () -> assertEquals(Map.of("publishers", 5557, "subscribers", 5558), ports("bulletinboard-proxy")),
                () -> assertEquals(Map.of("peers", 5560, "http", 8080), ports("bulletinboard-server-headless")));
        for (Service service : rendered.all(Service.class)) {
            String role = service.getSpec().getSelector().get("app.kubernetes.io/component");
            Container container = rendered.container(ROLES.entrySet().stream()
                    .filter(e -> e.getValue().equals(role)).findFirst().orElseThrow().getKey());
            Map<String, Integer> containerPorts = container.getPorts().stream()
                    .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
            for (ServicePort port : service.getSpec().getPorts()) {
                assertEquals(port.getPort(), containerPorts.get(port.getTargetPort().getStrVal()),
                        service.getMetadata().getName() + " port " + port.getName() + " targets a named container port");
            }
        }
    }

    @Test
    void serversAreAStatefulSetWithStableNamesAndPeerAddresses() {
        StatefulSet servers = rendered.get(StatefulSet.class, "bulletinboard-server");
        assertEquals("bulletinboard-server-headless", servers.getSpec().getServiceName());
        assertEquals(3, servers.getSpec().getReplicas());
        assertEquals("Parallel", servers.getSpec().getPodManagementPolicy());
        assertEquals(30L, servers.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());

        List<EnvVar> env = rendered.container("bulletinboard-server").getEnv();
        List<String> names = env.stream().map(EnvVar::getName).toList();
        assertEquals(List.of("POD_NAME", "POD_NAMESPACE", "BBS_NAME", "BBS_PEER_ADDRESS"), names,
                "$(VAR) expands only variables defined earlier in the list");
        Map<String, EnvVar> byName = env.stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertEquals("metadata.name", byName.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", byName.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("$(POD_NAME)", byName.get("BBS_NAME").getValue());
        assertEquals("tcp://$(POD_NAME).bulletinboard-server-headless.$(POD_NAMESPACE).svc.cluster.local:5560",
                byName.get("BBS_PEER_ADDRESS").getValue());
    }

    @Test
    void headlessServicePublishesServersBeforeTheyAreReady() {
        Service headless = rendered.get(Service.class, "bulletinboard-server-headless");
        StatefulSet servers = rendered.get(StatefulSet.class, "bulletinboard-server");
        assertEquals("None", headless.getSpec().getClusterIP());
        assertTrue(headless.getSpec().getPublishNotReadyAddresses());
        assertEquals(servers.getSpec().getSelector().getMatchLabels(), headless.getSpec().getSelector());
    }

    @Test
    void eachServerGetsAClaimMountedAtData() {
        StatefulSet servers = rendered.get(StatefulSet.class, "bulletinboard-server");
        List<PersistentVolumeClaim> claims = servers.getSpec().getVolumeClaimTemplates();
        assertEquals(1, claims.size());
        PersistentVolumeClaim data = claims.get(0);
        assertEquals("data", data.getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), data.getSpec().getAccessModes());
        assertEquals("1Gi", data.getSpec().getResources().getRequests().get("storage").toString());
        assertNull(data.getSpec().getStorageClassName(), "the cluster's default StorageClass");
        assertEquals(servers.getSpec().getSelector().getMatchLabels(), data.getMetadata().getLabels(),
                "claim templates are immutable: only labels that never change");
        assertTrue(rendered.container("bulletinboard-server").getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
        assertTrue(servers.getSpec().getTemplate().getSpec().getVolumes().stream()
                .noneMatch(v -> v.getName().equals("data")), "the claim, not a pod volume, backs /data");
    }

    @Test
    void everyWorkloadContainerIsProbedOnItsHttpPort() {
        assertEquals(ROLES.keySet(), rendered.podTemplates().keySet());
        for (String workload : ROLES.keySet()) {
            Container c = rendered.container(workload);
            assertAll(workload,
                    () -> assertTrue(c.getPorts().stream().anyMatch(p -> p.getName().equals("http")
                            && p.getContainerPort() == 8080), "containerPort 8080 named http"),
                    () -> assertHttpGet(c.getStartupProbe(), "/healthz"),
                    () -> assertHttpGet(c.getLivenessProbe(), "/healthz"),
                    () -> assertHttpGet(c.getReadinessProbe(), "/readyz"),
                    // Unready within about the app's 3 s heartbeat timeout.
                    () -> assertTrue(c.getReadinessProbe().getPeriodSeconds()
                            * c.getReadinessProbe().getFailureThreshold() <= 3),
                    // Well past the app's own 10 s stuck-loop threshold.
                    () -> assertEquals(10, c.getLivenessProbe().getPeriodSeconds()),
                    () -> assertEquals(3, c.getLivenessProbe().getFailureThreshold()),
                    () -> assertTrue(budget(c.getStartupProbe()) >= (workload.endsWith("-server") ? 120 : 60),
                            "start-up budget " + budget(c.getStartupProbe()) + " s"));
        }
    }

    @Test
    void everyPodRunsAsNonRootOnAReadOnlyRoot() {
        for (Map.Entry<String, PodTemplateSpec> workload : rendered.podTemplates().entrySet()) {
            PodSecurityContext pod = workload.getValue().getSpec().getSecurityContext();
            Container c = workload.getValue().getSpec().getContainers().get(0);
            SecurityContext container = c.getSecurityContext();
            assertAll(workload.getKey(),
                    () -> assertTrue(pod.getRunAsNonRoot()),
                    () -> assertEquals(10001L, pod.getRunAsUser()),
                    () -> assertEquals(10001L, pod.getRunAsGroup()),
                    () -> assertEquals(10001L, pod.getFsGroup()),
                    () -> assertEquals("RuntimeDefault", pod.getSeccompProfile().getType()),
                    () -> assertTrue(container.getReadOnlyRootFilesystem()),
                    () -> assertFalse(container.getAllowPrivilegeEscalation()),
                    () -> assertEquals(List.of("ALL"), container.getCapabilities().getDrop()),
                    () -> assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp"))),
                    () -> assertTrue(workload.getValue().getSpec().getVolumes().stream()
                            .anyMatch(v -> v.getName().equals("tmp") && v.getEmptyDir() != null)));
        }
    }

    @Test
    void everyContainerRunsItsRoleFromTheChartImageWithTheSharedConfig() {
        ROLES.forEach((workload, role) -> {
            Container c = rendered.container(workload);
            assertAll(workload,
                    () -> assertEquals(role, c.getName()),
                    // The client is given its HTTP port on its command line, so one started beside it takes none.
                    () -> assertEquals(role.equals("client") ? List.of(role, "--http-port", "8080") : List.of(role),
                            c.getArgs()),
                    () -> assertEquals(IMAGE, c.getImage()),
                    () -> assertEquals("IfNotPresent", c.getImagePullPolicy()),
                    () -> assertEquals("bulletinboard-config", c.getEnvFrom().get(0).getConfigMapRef().getName()),
                    () -> assertNotNull(c.getResources().getRequests().get("cpu")),
                    () -> assertNotNull(c.getResources().getRequests().get("memory")),
                    () -> assertNotNull(c.getResources().getLimits().get("memory")));
        });
    }

    @Test
    void everyObjectAndPodCarriesTheStandardLabels() {
        Map<String, Map<String, String>> labelled = new LinkedHashMap<>();
        for (HasMetadata o : rendered.objects()) {
            labelled.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getLabels());
        }
        rendered.podTemplates().forEach((name, t) -> labelled.put("pod of " + name, t.getMetadata().getLabels()));
        labelled.forEach((what, labels) -> assertAll(what,
                () -> assertEquals("bulletinboard", labels.get("app.kubernetes.io/name")),
                () -> assertEquals("bulletinboard", labels.get("app.kubernetes.io/instance")),
                () -> assertEquals("0.1.0-SNAPSHOT", labels.get("app.kubernetes.io/version")),
                () -> assertEquals("bulletinboard", labels.get("app.kubernetes.io/part-of")),
                () -> assertEquals("Helm", labels.get("app.kubernetes.io/managed-by")),
                () -> assertEquals("bulletinboard-0.1.0", labels.get("helm.sh/chart")),
                () -> assertNotNull(labels.get("app.kubernetes.io/component"))));
        ROLES.forEach((workload, role) -> {
            Map<String, String> podLabels = rendered.podTemplates().get(workload).getMetadata().getLabels();
            assertEquals(role, podLabels.get("app.kubernetes.io/component"), workload);
        });
    }

    @Test
    void configMapPointsEveryRoleAtTheServices() {
        Map<String, String> data = new TreeMap<>(rendered.get(ConfigMap.class, "bulletinboard-config").getData());
        assertEquals(new TreeMap<>(Map.ofEntries(
                Map.entry("BBS_HTTP_PORT", "8080"),
                Map.entry("BBS_LOG_LEVEL", "INFO"),
                Map.entry("BBS_LOG_FORMAT", "text"),
                Map.entry("JAVA_OPTS", "-XX:MaxRAMPercentage=75 -XX:MaxTenuringThreshold=1 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData"),
                Map.entry("BBS_BROKER", "tcp://bulletinboard-broker-headless:5555"),
                Map.entry("BBS_BROKER_SERVERS", "tcp://bulletinboard-broker-headless:5556"),
                Map.entry("BBS_PROXY_PUB", "tcp://bulletinboard-proxy-headless:5557"),
                Map.entry("BBS_PROXY_SUB", "tcp://bulletinboard-proxy-headless:5558"),
                Map.entry("BBS_REFERENCE", "tcp://bulletinboard-reference:5559"),
                Map.entry("BBS_DATA", "/data"),
                Map.entry("BBS_PEER_PORT", "5560"),
                Map.entry("BBS_PEERS", "bulletinboard-server-0=tcp://bulletinboard-server-0.bulletinboard-server-headless"
                        + ".default.svc.cluster.local:5560,bulletinboard-server-1=tcp://bulletinboard-server-1"
                        + ".bulletinboard-server-headless.default.svc.cluster.local:5560,bulletinboard-server-2=tcp://"
                        + "bulletinboard-server-2.bulletinboard-server-headless.default.svc.cluster.local:5560"),
                Map.entry("BBS_HEARTBEAT_MS", "1000"),
                Map.entry("BBS_HEARTBEAT_TIMEOUT_MS", "3000"),
                Map.entry("BBS_ACK_TIMEOUT_MS", "500"),
                Map.entry("BBS_CATCH_UP_MS", "5000"),
                Map.entry("BBS_HISTORY_KEEP", "1000"),
                Map.entry("BBS_ACK", "quorum"),
                Map.entry("BBS_CLOCK_SYNC_MS", "5000"))), data);
    }

    @Test
    void everyPodTemplateCarriesTheConfigChecksumAndScrapeAnnotations() {
        Set<String> checksums = new TreeSet<>();
        rendered.podTemplates().forEach((workload, template) -> {
            Map<String, String> annotations = new TreeMap<>(template.getMetadata().getAnnotations());
            String checksum = annotations.remove("checksum/config");
            assertNotNull(checksum, workload + " has no checksum/config");
            checksums.add(checksum);
            assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "8080",
                    "prometheus.io/path", "/metrics"), annotations, workload);
        });
        assertEquals(Set.of(sha256(configMapAsRendered())), checksums, "the sha256 of the rendered ConfigMap");
    }

    @Test
    void clientIsAnAttachableTerminal() {
        Deployment client = rendered.get(Deployment.class, "bulletinboard-client");
        Container c = rendered.container("bulletinboard-client");
        assertEquals(1, client.getSpec().getReplicas());
        assertTrue(c.getStdin());
        assertTrue(c.getTty());
        assertTrue(c.getEnv() == null || c.getEnv().isEmpty(), "no BBS_USER: the client asks");
    }

    @Test
    void rolesRunTheContractsReplicas() {
        assertAll(
                () -> assertEquals(1, rendered.get(Deployment.class, "bulletinboard-reference").getSpec().getReplicas()),
                () -> assertEquals(2, rendered.get(Deployment.class, "bulletinboard-broker").getSpec().getReplicas()),
                () -> assertEquals(2, rendered.get(Deployment.class, "bulletinboard-proxy").getSpec().getReplicas()),
                () -> assertEquals(2, rendered.get(Deployment.class, "bulletinboard-bot").getSpec().getReplicas()));
        assertEquals(List.of(new EnvVar("BBS_BOT_INTERVAL_MS", "500", null)), rendered.container("bulletinboard-bot").getEnv());
    }

    @Test
    void serversPreferDistinctNodes() {
        StatefulSet servers = rendered.get(StatefulSet.class, "bulletinboard-server");
        List<WeightedPodAffinityTerm> preferred = servers.getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertEquals(1, preferred.size());
        assertEquals("kubernetes.io/hostname", preferred.get(0).getPodAffinityTerm().getTopologyKey());
        assertEquals(servers.getSpec().getSelector().getMatchLabels(),
                preferred.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels());
    }

    private Map<String, Integer> ports(String service) {
        return rendered.get(Service.class, service).getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort));
    }

    private static void assertHttpGet(Probe probe, String path) {
        assertNotNull(probe, "probe on " + path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }

    /** Seconds a container may take to answer its first startup probe. */
    private static int budget(Probe startup) {
        return startup.getPeriodSeconds() * startup.getFailureThreshold();
    }

    /** The ConfigMap's document as Helm rendered it (what the checksum annotation hashes). */
    private static String configMapAsRendered() {
        String source = "# Source: bulletinboard/templates/configmap.yaml\n";
        int start = rendered.yaml().indexOf(source) + source.length();
        int end = rendered.yaml().indexOf("\n---", start);
        return rendered.yaml().substring(start, end < 0 ? rendered.yaml().length() : end) + "\n";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
