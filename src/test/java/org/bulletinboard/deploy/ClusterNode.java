package org.bulletinboard.deploy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Finding the chart's pods in a namespace by component, as the cluster tests need them. */
final class ClusterNode {
    private ClusterNode() {}

    /** The pods of one component of the release (server, broker, ...), by name. */
    static List<Pod> pods(KubernetesClient client, String namespace, String release, String component) {
        return client.pods().inNamespace(namespace)
                .withLabels(Map.of("app.kubernetes.io/instance", release, "app.kubernetes.io/component", component))
                .list().getItems().stream()
                .sorted(Comparator.comparing(pod -> pod.getMetadata().getName())).toList();
    }

    /** Whether a pod is Ready and not on its way out. */
    static boolean ready(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The name of a ready pod of the component, as a Service would pick one; null if there is none. */
    static String readyPod(KubernetesClient client, String namespace, String release, String component) {
        return pods(client, namespace, release, component).stream().filter(ClusterNode::ready)
                .map(pod -> pod.getMetadata().getName()).findFirst().orElse(null);
    }
}
