package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** skaffold.yaml against the pom (the image), the chart (values keys) and the contract (release, Services). */
class SkaffoldConfigTest {
    private static final String RELEASE = "bulletinboard";
    /** The values keys the contract fixes, which skaffold may set. */
    private static final Set<String> CONTRACT_VALUES = Set.of("image.repository", "image.tag", "image.pullPolicy",
            "servers.replicas", "bots.enabled", "bots.replicas", "networkPolicy.enabled",
            "metrics.serviceMonitor.enabled", "servers.persistence.enabled", "servers.persistence.size",
            "servers.persistence.storageClass");
    /**
     * What a client on the host needs, as Service (the release name is the chart's fullname) and port: the broker's
     * clients port and the proxy's subscribers port.
     */
    private static final Set<String> FORWARDED = Set.of(
            "service/" + RELEASE + "-broker:5555",
            "service/" + RELEASE + "-proxy:5558");

    private static JsonNode skaffold;

    @BeforeAll
    static void read() throws Exception {
        skaffold = DeployFiles.yaml("skaffold.yaml");
    }

    @Test
    void isASkaffoldV2Config() {
        assertTrue(skaffold.path("apiVersion").asText().startsWith("skaffold/v4beta"), skaffold.path("apiVersion").asText());
        assertEquals("Config", skaffold.path("kind").asText());
    }

    @Test
    void buildsThePomsImageWithJib() throws Exception {
        JsonNode artifacts = skaffold.path("build").path("artifacts");
        assertEquals(1, artifacts.size(), "one artifact");
        JsonNode artifact = artifacts.path(0);
        assertEquals(DeployFiles.pom("/project/properties/image.name"), artifact.path("image").asText());
        assertTrue(artifact.path("jib").isObject(), "built by the jib builder");
        assertEquals("maven", artifact.path("jib").path("type").asText("maven"));
        assertTrue(artifact.path("jib").path("args").toString().contains("-DskipTests"),
                "a rebuild does not run the test suite: " + artifact.path("jib"));
        Path context = DeployFiles.ROOT.resolve(artifact.path("context").asText("."));
        assertEquals(DeployFiles.ROOT.resolve("pom.xml"), context.resolve("pom.xml").normalize(), "built from pom.xml");
        assertEquals("jib-maven-plugin",
                DeployFiles.pom("/project/build/pluginManagement/plugins/plugin[artifactId='jib-maven-plugin']/artifactId"),
                "the pom configures Jib for skaffold's jib: goals");
    }

    @Test
    void theChartIsRenderedByHelmAndDeployedByHelm() {
        JsonNode releases = skaffold.path("manifests").path("helm").path("releases");
        assertEquals(1, releases.size(), "one release under manifests.helm.releases");
        assertEquals(RELEASE, releases.path(0).path("name").asText());
        assertTrue(skaffold.path("deploy").path("helm").isObject(), "deploy.helm: helm installs the release");
        assertTrue(skaffold.path("deploy").path("helm").path("releases").isMissingNode(), "releases only in manifests");
        assertTrue(skaffold.path("deploy").path("kubectl").isMissingNode(), "no kubectl deployer beside helm");
    }

    @Test
    void theChartPathHoldsAChart() {
        Path chart = DeployFiles.ROOT.resolve(release().path("chartPath").asText());
        assertTrue(Files.isRegularFile(chart.resolve("Chart.yaml")), chart + "/Chart.yaml (the Helm chart)");
    }

    @Test
    void theImageIsSetThroughTheContractsValuesKeys() {
        JsonNode templates = release().path("setValueTemplates");
        String artifact = skaffold.path("build").path("artifacts").path(0).path("image").asText().replaceAll("[^A-Za-z0-9]", "_");
        assertEquals("{{.IMAGE_REPO_" + artifact + "}}", templates.path("image.repository").asText());
        assertTrue(templates.path("image.tag").asText().startsWith("{{.IMAGE_TAG_" + artifact + "}}"),
                templates.path("image.tag").asText());
        Set<String> keys = new HashSet<>();
        templates.fieldNames().forEachRemaining(keys::add);
        assertTrue(CONTRACT_VALUES.containsAll(keys), "keys outside the contract: " + keys);
    }

    @Test
    void everySetValueTemplateKeyExistsInTheChartsValues() throws Exception {
        String valuesFile = release().path("chartPath").asText() + "/values.yaml";
        assertTrue(Files.isRegularFile(DeployFiles.ROOT.resolve(valuesFile)), valuesFile + " (the chart's values)");
        JsonNode values = DeployFiles.yaml(valuesFile);
        release().path("setValueTemplates").fieldNames().forEachRemaining(key ->
                assertTrue(!values.at("/" + key.replace('.', '/')).isMissingNode(), key + " in values.yaml"));
    }

    @Test
    void forwardsTheBrokerAndProxyServices() {
        Set<String> forwarded = new HashSet<>();
        List<JsonNode> forwards = StreamSupport.stream(skaffold.path("portForward").spliterator(), false).toList();
        for (JsonNode forward : forwards) {
            int port = forward.path("port").asInt();
            forwarded.add(forward.path("resourceType").asText() + "/" + forward.path("resourceName").asText() + ":" + port);
            assertEquals(port, forward.path("localPort").asInt(port), "the same port on localhost, where clients look");
        }
        assertEquals(FORWARDED, forwarded);
        assertEquals(FORWARDED.size(), forwards.size(), "no other forwards");
    }

    private static JsonNode release() {
        return skaffold.path("manifests").path("helm").path("releases").path(0);
    }
}
