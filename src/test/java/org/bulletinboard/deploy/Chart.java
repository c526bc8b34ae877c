package org.bulletinboard.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The chart in helm/bulletinboard, rendered in-process by helm-java (Helm's own code through JNA: no helm binary,
 * no cluster). Like {@code helm template}, so capabilities come from the given Kubernetes version.
 */
final class Chart {
    static final Path DIR = Path.of("helm", "bulletinboard");
    static final String RELEASE = "bulletinboard";
    static final String NAMESPACE = "default";
    /** The chart's floor and the k8s-harness cluster: PodDisruptionBudget only as policy/v1beta1. */
    static final String KUBE_1_20 = "1.20.2";
    /** A current Kubernetes, which serves policy/v1 only. */
    static final String KUBE_CURRENT = "1.33.0";

    private Chart() {}

    /** The manifests for release {@link #RELEASE}, after {@code options} (values, kube version) are applied. */
    static String template(UnaryOperator<TemplateCommand> options) {
        return template(DIR, options);
    }

    /** The same from a copy of the chart in {@code chartDir}. */
    static String template(Path chartDir, UnaryOperator<TemplateCommand> options) {
        return options.apply(new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    }

    static Rendered render(UnaryOperator<TemplateCommand> options) {
        return Rendered.parse(template(options));
    }

    static Rendered render() {
        return render(t -> t);
    }

    /** A values file of these tests, in src/test/resources/deploy. */
    static Path values(String name) {
        return Path.of("src", "test", "resources", "deploy", name);
    }
}
