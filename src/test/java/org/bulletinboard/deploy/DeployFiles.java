package org.bulletinboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's deployment files (Compose, skaffold, the chart's values, the pom), read as the tools read them. */
final class DeployFiles {
    /** Maven runs the tests in the project's base directory. */
    static final Path ROOT = Path.of("").toAbsolutePath();

    private DeployFiles() {}

    /**
     * A YAML file as a Jackson tree, with anchors, aliases and merge keys ({@code <<: *x}) resolved as Compose
     * resolves them. Jackson's own YAML parser leaves {@code <<} as a plain key and an alias as its name, so
     * SnakeYAML (the parser under jackson-dataformat-yaml) builds plain maps and lists, which Jackson then wraps.
     */
    static JsonNode yaml(String relativePath) throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve(relativePath))) {
            Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return new ObjectMapper().valueToTree(data);
        }
    }

    /** The text an XPath expression selects in pom.xml (empty when it selects nothing). */
    static String pom(String xpath) throws Exception {
        // Not namespace-aware, so paths need no prefix for the POM namespace.
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        return XPathFactory.newInstance().newXPath().evaluate(xpath, pom).trim();
    }
}
