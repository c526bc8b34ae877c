package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One value at a time: what each changes in the rendered manifests. */
class ChartValuesTest {

    @ParameterizedTest(name = "Kubernetes {0}: {1}")
    @CsvSource({
        Chart.KUBE_1_20 + ", policy/v1beta1",
        "1.21.0, policy/v1",
        Chart.KUBE_CURRENT + ", policy/v1"})
    void disruptionBudgetUsesThePolicyApiTheClusterServes(String kubeVersion, String apiVersion) {
        Rendered rendered = Chart.render(t -> t.withKubeVersion(kubeVersion));
        List<HasMetadata> budgets = rendered.objects().stream().filter(o -> o.getKind().equals("PodDisruptionBudget"))
                .toList();
        assertEquals(Set.of("bulletinboard-server", "bulletinboard-broker", "bulletinboard-proxy"),
                budgets.stream().map(pdb -> pdb.getMetadata().getName()).collect(Collectors.toSet()));
        budgets.forEach(pdb -> assertEquals(apiVersion, pdb.getApiVersion(), pdb.getMetadata().getName()));
    }

    @Test
    void disruptionBudgetCanBeLeftOut() {
        Rendered rendered = Chart.render(t -> t.set("servers.pdb.enabled", false).set("broker.pdb.enabled", false)
                .set("proxy.pdb.enabled", false));
        assertTrue(rendered.objects().stream().noneMatch(o -> o.getKind().equals("PodDisruptionBudget")));
    }

    @Test
    void aSingleBrokerOrProxyHasNoDisruptionBudget() {
        Rendered rendered = Chart.render(t -> t.set("broker.replicas", 1).set("proxy.replicas", 1));
        assertEquals(List.of("bulletinboard-server"), rendered.objects().stream()
                .filter(o -> o.getKind().equals("PodDisruptionBudget")).map(o -> o.getMetadata().getName()).toList());
    }

    @Test
    void olderKubernetesIsRefused() {
        Exception refused = assertThrows(IllegalStateException.class,
                () -> Chart.template(t -> t.withKubeVersion("1.19.16")));
        assertTrue(refused.getMessage().contains("kubeVersion"), refused.getMessage());
    }

    @Test
    void aConfigChangeRollsEveryPodAndAReplicaChangeDoesNot() {
        Map<String, String> defaults = checksums(Chart.render());
        Map<String, String> debug = checksums(Chart.render(t -> t.set("config.logLevel", "DEBUG")));
        Map<String, String> moreBots = checksums(Chart.render(t -> t.set("bots.replicas", 4)));
        assertEquals(defaults.keySet(), debug.keySet());
        defaults.forEach((workload, checksum) -> assertNotEquals(checksum, debug.get(workload), workload));
        assertEquals(defaults, moreBots);
    }

    @Test
    void configValuesReachTheConfigMap() {
        Rendered rendered = Chart.render(t -> t
                .set("config.heartbeatMs", 250)
                .set("config.heartbeatTimeoutMs", 1500000)
                .set("config.logFormat", "json")
                .set("http.port", 9090));
        Map<String, String> data = rendered.get(ConfigMap.class, "bulletinboard-config").getData();
        assertEquals("250", data.get("BBS_HEARTBEAT_MS"));
        assertEquals("1500000", data.get("BBS_HEARTBEAT_TIMEOUT_MS"), "a large number stays an integer");
        assertEquals("json", data.get("BBS_LOG_FORMAT"));
        assertEquals("9090", data.get("BBS_HTTP_PORT"));
        rendered.podTemplates().keySet().forEach(workload -> assertTrue(rendered.container(workload).getPorts()
                .stream().anyMatch(p -> p.getName().equals("http") && p.getContainerPort() == 9090), workload));
    }

    @Test
    void replicasComeFromValues() {
        Rendered rendered = Chart.render(t -> t.set("servers.replicas", 7).set("bots.replicas", 4));
        assertEquals(7, rendered.get(StatefulSet.class, "bulletinboard-server").getSpec().getReplicas());
        assertEquals(4, rendered.get(Deployment.class, "bulletinboard-bot")
                .getSpec().getReplicas());
    }

    @Test
    void fullnameOverrideRenamesObjectsAddressesAndPeerNames() {
        Rendered rendered = Chart.render(t -> t.set("fullnameOverride", "board"));
        assertTrue(rendered.names().stream().allMatch(n -> n.split("/")[1].startsWith("board")), rendered.names().toString());
        StatefulSet servers = rendered.get(StatefulSet.class, "board-server");
        assertEquals("board-server-headless", servers.getSpec().getServiceName());
        assertEquals("tcp://$(POD_NAME).board-server-headless.$(POD_NAMESPACE).svc.cluster.local:5560",
                env(rendered, "board-server").get("BBS_PEER_ADDRESS"));
        Map<String, String> data = rendered.get(ConfigMap.class, "board-config").getData();
        assertEquals("tcp://board-broker-headless:5555", data.get("BBS_BROKER"));
        assertEquals("tcp://board-reference:5559", data.get("BBS_REFERENCE"));
    }

    @Test
    void storageClassIsTheDefaultANameOrNone() {
        assertEquals("fast", claimStorageClass(Chart.render(t -> t.set("servers.persistence.storageClass", "fast"))));
        assertEquals("", claimStorageClass(Chart.render(t -> t.set("servers.persistence.storageClass", "-"))));
        assertEquals("5Gi", Chart.render(t -> t.set("servers.persistence.size", "5Gi"))
                .get(StatefulSet.class, "bulletinboard-server").getSpec().getVolumeClaimTemplates().get(0)
                .getSpec().getResources().getRequests().get("storage").toString());
    }

    @Test
    void hardAntiAffinityRequiresDistinctNodesAndExplicitAffinityWins() {
        PodAffinityTerm required = Chart.render(t -> t.set("servers.podAntiAffinityPreset", "hard"))
                .get(StatefulSet.class, "bulletinboard-server").getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().get(0);
        assertEquals("kubernetes.io/hostname", required.getTopologyKey());
        assertEquals("server", required.getLabelSelector().getMatchLabels().get("app.kubernetes.io/component"));

        assertNull(Chart.render(t -> t.set("servers.podAntiAffinityPreset", ""))
                .get(StatefulSet.class, "bulletinboard-server").getSpec().getTemplate().getSpec().getAffinity());
        var explicit = Chart.render(t -> t.set("servers.affinity.nodeAffinity"
                        + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
                        "disk")
                .set("servers.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].operator", "Exists"))
                .get(StatefulSet.class, "bulletinboard-server").getSpec().getTemplate().getSpec().getAffinity();
        assertNull(explicit.getPodAntiAffinity());
        assertEquals("disk", explicit.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getKey());
    }

    @Test
    void clientLogsInAsTheConfiguredUser() {
        assertEquals(Map.of("BBS_USER", "ana"), env(Chart.render(t -> t.set("client.user", "ana")), "bulletinboard-client"));
    }

    @Test
    void roleExtrasReachOnlyTheirRole() {
        Rendered rendered = Chart.render(t -> t
                .set("broker.extraEnv[0].name", "EXTRA").set("broker.extraEnv[0].value", "1")
                .set("broker.podAnnotations.team", "board")
                .set("broker.nodeSelector.disk", "ssd")
                .set("commonLabels.owner", "ops"));
        assertEquals(Map.of("EXTRA", "1"), env(rendered, "bulletinboard-broker"));
        var broker = rendered.podTemplates().get("bulletinboard-broker");
        assertEquals("board", broker.getMetadata().getAnnotations().get("team"));
        assertEquals(Map.of("disk", "ssd"), broker.getSpec().getNodeSelector());
        var proxy = rendered.podTemplates().get("bulletinboard-proxy");
        assertNull(proxy.getMetadata().getAnnotations().get("team"));
        assertTrue(proxy.getSpec().getNodeSelector() == null || proxy.getSpec().getNodeSelector().isEmpty());
        assertTrue(rendered.objects().stream().allMatch(o -> "ops".equals(o.getMetadata().getLabels().get("owner"))));
    }

    @Test
    void scrapeAnnotationsCanBeLeftOut() {
        Rendered rendered = Chart.render(t -> t.set("metrics.podAnnotations.enabled", false));
        rendered.podTemplates().forEach((workload, template) ->
                assertEquals(Set.of("checksum/config"), template.getMetadata().getAnnotations().keySet(), workload));
    }

    private static Map<String, String> checksums(Rendered rendered) {
        return rendered.podTemplates().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().getMetadata().getAnnotations().get("checksum/config"), (a, b) -> a, TreeMap::new));
    }

    private static Map<String, String> env(Rendered rendered, String workload) {
        List<EnvVar> env = rendered.container(workload).getEnv();
        return env.stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b, TreeMap::new));
    }

    private static String claimStorageClass(Rendered rendered) {
        return rendered.get(StatefulSet.class, "bulletinboard-server").getSpec().getVolumeClaimTemplates().get(0)
                .getSpec().getStorageClassName();
    }
}
