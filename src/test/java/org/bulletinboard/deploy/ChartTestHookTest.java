package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helm test pod. helm-java's template prints the release manifest only, and Helm keeps hooks apart from it
 * (the helm CLI appends them), so this renders a copy of the chart whose test pod has its hook annotation renamed:
 * the same pod, rendered as an ordinary object.
 */
class ChartTestHookTest {
    private static final String HOOK = "\"helm.sh/hook\" \"test\"";
    private static final String RENAMED = "\"unhooked.test/hook\" \"test\"";

    @TempDir
    Path copy;

    @BeforeEach
    void copyTheChartWithTheTestPodUnhooked() throws IOException {
        try (Stream<Path> files = Files.walk(Chart.DIR)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(Chart.DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path testPod = copy.resolve("templates/tests/test-check.yaml");
        String template = Files.readString(testPod);
        assertTrue(template.contains(HOOK), "the test pod is a Helm test hook");
        Files.writeString(testPod, template.replace(HOOK, RENAMED));
    }

    @Test
    void testPodRunsBbsCheckAgainstTheBrokerAndTheProxy() {
        Pod pod = render(t -> t).get(Pod.class, "bulletinboard-test-check");
        assertEquals(Map.of("unhooked.test/hook", "test", "helm.sh/hook-delete-policy",
                "before-hook-creation,hook-succeeded"), pod.getMetadata().getAnnotations(),
                "removed once it passes; a failed one is kept for its logs until the next helm test replaces it");
        assertEquals("test", pod.getMetadata().getLabels().get("app.kubernetes.io/component"));
        assertEquals("Never", pod.getSpec().getRestartPolicy());

        Container check = pod.getSpec().getContainers().get(0);
        assertEquals("bulletinboard:0.1.0-SNAPSHOT", check.getImage());
        assertEquals(List.of("check", "--broker", "tcp://bulletinboard-broker:5555",
                "--proxy", "tcp://bulletinboard-proxy:5558"), check.getArgs());
        assertEquals(10001L, pod.getSpec().getSecurityContext().getRunAsUser());
        assertTrue(check.getSecurityContext().getReadOnlyRootFilesystem());
        assertTrue(check.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")));
    }

    @Test
    void testPodCanBeLeftOut() {
        assertTrue(render(t -> t.set("tests.enabled", false)).find(Pod.class, "bulletinboard-test-check").isEmpty());
    }

    private Rendered render(UnaryOperator<TemplateCommand> options) {
        return Rendered.parse(Chart.template(copy, options));
    }
}
