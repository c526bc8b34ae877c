package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** helm lint --strict, and values.schema.json refusing what the chart cannot render sensibly. */
class ChartLintAndSchemaTest {
    private static final String SCHEMA_ERROR = "values don't meet the specifications of the schema";

    @Test
    void lintStrictPasses() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                String.join("\n", lint.getMessages()));
    }

    @Test
    void aWrongTypeIsRejected() {
        assertSchemaRejects("wrong-type-values.yaml", "/servers/replicas", "want integer");
    }

    @Test
    void anUnknownTopLevelKeyIsRejected() {
        assertSchemaRejects("unknown-key-values.yaml", "additional properties 'server' not allowed");
    }

    @Test
    void outOfRangeAndUnknownChoicesAreRejected() {
        assertRejected("servers.replicas", 0, "/servers/replicas");
        assertRejected("config.logFormat", "xml", "/config/logFormat");
        assertRejected("servers.podAntiAffinityPreset", "always", "/servers/podAntiAffinityPreset");
        assertRejected("servers.persistnce.enabled", false, "'persistnce' not allowed");
    }

    private static void assertSchemaRejects(String valuesFile, String... details) {
        Exception rejected = assertThrows(IllegalStateException.class,
                () -> Chart.template(t -> t.withValuesFile(Chart.values(valuesFile))));
        assertMentions(rejected, details);
    }

    private static void assertRejected(String key, Object value, String detail) {
        Exception rejected = assertThrows(IllegalStateException.class,
                () -> Chart.template(t -> t.set(key, value)), key + "=" + value);
        assertMentions(rejected, detail);
    }

    private static void assertMentions(Exception rejected, String... details) {
        assertTrue(rejected.getMessage().contains(SCHEMA_ERROR), rejected.getMessage());
        for (String detail : details) {
            assertTrue(rejected.getMessage().contains(detail), "no '" + detail + "' in: " + rejected.getMessage());
        }
    }
}
