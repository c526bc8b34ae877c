package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Rendered manifests as fabric8 model objects (kinds fabric8 does not model, e.g. ServiceMonitor, come generic). */
record Rendered(String yaml, List<HasMetadata> objects) {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Rendered parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
        return new Rendered(yaml, documents.stream().map(HasMetadata.class::cast).toList());
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseGet(() -> fail(type.getSimpleName() + " " + name + " not rendered; have " + names()));
    }

    /** Every object as "Kind/name". */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        objects.forEach(o -> names.add(o.getKind() + "/" + o.getMetadata().getName()));
        return names;
    }

    /** The pod template of every workload (Deployments and StatefulSets), by workload name. */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        all(Deployment.class).forEach(d -> templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> templates.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
        return templates;
    }

    /** The single container of a workload's pod. */
    Container container(String workload) {
        PodTemplateSpec template = podTemplates().get(workload);
        if (template == null) {
            fail("no workload " + workload + "; have " + podTemplates().keySet());
        }
        List<Container> containers = template.getSpec().getContainers();
        if (containers.size() != 1) {
            fail(workload + " has " + containers.size() + " containers, expected 1");
        }
        return containers.get(0);
    }
}
