package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * k8s/bulletinboard.yaml is the chart rendered with its default values, kept in the repository for
 * {@code kubectl apply -k k8s/}. This fails when it is stale; with {@code -Dk8s.regenerate=true} it rewrites it.
 */
class RenderedManifestsTest {
    static final Path MANIFESTS = Path.of("k8s", "bulletinboard.yaml");
    static final String REGENERATE = "mvn -B test -Dtest=RenderedManifestsTest -Dk8s.regenerate=true";
    /** Rendered for the chart's floor, the k8s-harness cluster (see the header for what that means on 1.25+). */
    static final String KUBE_VERSION = Chart.KUBE_1_20;

    private static final String HEADER = """
            # BulletinBoard on Kubernetes: the Helm chart helm/bulletinboard rendered with its default values, release
            # "bulletinboard", for Kubernetes %s. Apply it with `kubectl apply -k k8s/` (add -n <namespace>: the
            # objects name none and every address in them is namespace-relative).
            #
            # GENERATED, do not edit: change the chart, then regenerate with
            #   %s
            # (RenderedManifestsTest fails while this file differs from a fresh render.)
            #
            # Rendered for the chart's oldest Kubernetes, the one of ../shared/k8s-harness: the servers'
            # PodDisruptionBudget is policy/v1beta1, which Kubernetes 1.20 to 1.24 serve. On 1.25 and later that one
            # object is refused; install the chart with Helm there (it picks policy/v1 by itself).
            # Left out: the `helm test` pod (a Helm hook). Without Helm, run its check from the client pod:
            #   kubectl exec deploy/bulletinboard-client -- bbs check --broker tcp://bulletinboard-broker:5555 --proxy tcp://bulletinboard-proxy:5558
            """.formatted(KUBE_VERSION, REGENERATE);

    @Test
    void committedManifestsAreTheChartRenderedWithItsDefaults() throws IOException {
        String fresh = HEADER + Chart.template(t -> t.withKubeVersion(KUBE_VERSION));
        if (Boolean.getBoolean("k8s.regenerate")) {
            Files.createDirectories(MANIFESTS.getParent());
            Files.writeString(MANIFESTS, fresh);
        }
        String committed = Files.exists(MANIFESTS) ? Files.readString(MANIFESTS) : "";
        if (!fresh.equals(committed)) {
            fail(MANIFESTS + " is not the chart's current render (" + firstDifference(fresh, committed)
                    + "); regenerate it with\n  " + REGENERATE + "\nand commit it with the chart change.");
        }
    }

    @Test
    void kustomizationAppliesTheRenderedManifests() throws IOException {
        JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(Path.of("k8s", "kustomization.yaml").toFile());
        assertEquals("kustomize.config.k8s.io/v1beta1", kustomization.path("apiVersion").asText());
        assertEquals("Kustomization", kustomization.path("kind").asText());
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        assertEquals(List.of(MANIFESTS.getFileName().toString()), resources);
    }

    @Test
    void kindConfigIsASingleControlPlane() throws IOException {
        JsonNode kind = new ObjectMapper(new YAMLFactory()).readTree(Path.of("k8s", "kind-config.yaml").toFile());
        assertEquals("kind.x-k8s.io/v1alpha4", kind.path("apiVersion").asText());
        assertEquals("Cluster", kind.path("kind").asText());
        assertEquals(1, kind.path("nodes").size());
        assertEquals("control-plane", kind.path("nodes").get(0).path("role").asText());
    }

    /** Where two texts part, as "line N: render '...', file '...'". */
    private static String firstDifference(String fresh, String committed) {
        List<String> a = fresh.lines().toList();
        List<String> b = committed.lines().toList();
        int line = 0;
        while (line < a.size() && line < b.size() && a.get(line).equals(b.get(line))) {
            line++;
        }
        return "line " + (line + 1) + ": render '" + (line < a.size() ? a.get(line) : "<end>")
                + "', file '" + (line < b.size() ? b.get(line) : "<end>") + "'";
    }
}
