package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart with src/test/resources/deploy/matrix-values.yaml: 5 servers without volumes, no bots, network policy
 * and ServiceMonitor on. */
class ChartMatrixTest {
    private static final Map<String, String> SERVER_PODS = Map.of(
            "app.kubernetes.io/name", "bulletinboard",
            "app.kubernetes.io/instance", "bulletinboard",
            "app.kubernetes.io/component", "server");
    private static final Map<String, String> RELEASE_PODS = Map.of(
            "app.kubernetes.io/name", "bulletinboard",
            "app.kubernetes.io/instance", "bulletinboard");

    private static Rendered rendered;

    @BeforeAll
    static void render() {
        rendered = Chart.render(t -> t.withValuesFile(Chart.values("matrix-values.yaml")));
    }

    @Test
    void serversFollowTheReplicaCount() {
        assertEquals(5, rendered.get(StatefulSet.class, "bulletinboard-server").getSpec().getReplicas());
        String peers = rendered.get(ConfigMap.class, "bulletinboard-config").getData().get("BBS_PEERS");
        assertEquals(List.of("bulletinboard-server-0", "bulletinboard-server-1", "bulletinboard-server-2",
                "bulletinboard-server-3", "bulletinboard-server-4"),
                Arrays.stream(peers.split(",")).map(peer -> peer.substring(0, peer.indexOf('='))).toList(),
                "every server of the StatefulSet is configured, so a quorum is three of five");
    }

    @Test
    void withoutPersistenceServersKeepTheirDataInAnEmptyDir() {
        StatefulSet servers = rendered.get(StatefulSet.class, "bulletinboard-server");
        List<?> claims = servers.getSpec().getVolumeClaimTemplates();
        assertTrue(claims == null || claims.isEmpty(), "no claim templates: " + claims);
        Volume data = servers.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
        assertEquals(Map.of(), data.getEmptyDir().getAdditionalProperties());
        assertTrue(rendered.container("bulletinboard-server").getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
    }

    @Test
    void withoutBotsTheRestIsUnchanged() {
        assertTrue(rendered.find(Deployment.class, "bulletinboard-bot").isEmpty());
        assertEquals(Set.of("bulletinboard-reference", "bulletinboard-broker", "bulletinboard-proxy",
                "bulletinboard-client", "bulletinboard-server"), rendered.podTemplates().keySet());
    }

    @Test
    void networkPolicyOpensTheClientPortsAndKeepsTheServerPortsToServers() {
        NetworkPolicy policy = rendered.get(NetworkPolicy.class, "bulletinboard");
        assertEquals(RELEASE_PODS, policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
        assertEquals(2, rules.size());

        NetworkPolicyIngressRule fromAnywhere = rules.get(0);
        assertTrue(fromAnywhere.getFrom() == null || fromAnywhere.getFrom().isEmpty(), "no source restriction");
        assertEquals(Set.of(5555, 5558, 8080), ports(fromAnywhere));

        NetworkPolicyIngressRule fromServers = rules.get(1);
        assertEquals(1, fromServers.getFrom().size());
        assertEquals(SERVER_PODS, fromServers.getFrom().get(0).getPodSelector().getMatchLabels());
        assertNull(fromServers.getFrom().get(0).getNamespaceSelector(), "servers of this namespace only");
        assertEquals(Set.of(5556, 5557, 5559, 5560), ports(fromServers));
    }

    @Test
    void serviceMonitorScrapesEveryPodThroughTheMetricsService() {
        GenericKubernetesResource monitor = rendered.all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
        assertEquals("bulletinboard", monitor.getMetadata().getName());
        assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
        assertEquals(List.of(Map.of("port", "http", "path", "/metrics", "interval", "30s", "scrapeTimeout", "10s")),
                monitor.get("spec", "endpoints"));
        assertEquals(List.of("app.kubernetes.io/component"), monitor.get("spec", "podTargetLabels"));

        Service metrics = rendered.get(Service.class, "bulletinboard-metrics");
        Map<String, String> selected = monitor.get("spec", "selector", "matchLabels");
        assertTrue(metrics.getMetadata().getLabels().entrySet().containsAll(selected.entrySet()),
                "the ServiceMonitor selects the metrics Service");
        assertEquals(1, rendered.all(Service.class).stream()
                .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selected.entrySet())).count(),
                "and no other Service");
        assertEquals(RELEASE_PODS, metrics.getSpec().getSelector(), "every pod of the release");
        assertEquals("http", metrics.getSpec().getPorts().get(0).getName());
        assertEquals(8080, metrics.getSpec().getPorts().get(0).getPort());
    }

    @Test
    void everyObjectStillCarriesTheStandardLabels() {
        for (HasMetadata o : rendered.objects()) {
            Map<String, String> labels = o.getMetadata().getLabels();
            assertTrue(labels.entrySet().containsAll(RELEASE_PODS.entrySet())
                            && labels.containsKey("app.kubernetes.io/component")
                            && labels.containsKey("helm.sh/chart"),
                    o.getKind() + "/" + o.getMetadata().getName() + " labels " + labels);
        }
    }

    private static Set<Integer> ports(NetworkPolicyIngressRule rule) {
        rule.getPorts().forEach(p -> assertEquals("TCP", p.getProtocol()));
        return rule.getPorts().stream().map(NetworkPolicyPort::getPort).map(p -> p.getIntVal())
                .collect(Collectors.toSet());
    }
}
