package org.bulletinboard.health;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A registry for one role's metrics, every series tagged with the role and node, with the JVM's own beside them.
 * Close it when the role has stopped: the GC metrics listen to the JVM, and until then that listener keeps the
 * registry, and through its gauges the role and everything it holds, reachable.
 */
public final class RoleMetrics {
    private RoleMetrics() {}

    public static PrometheusMeterRegistry registry(String role, String node) {
        JvmGcMetrics gc = new JvmGcMetrics();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) {
            @Override
            public void close() {
                gc.close();
                super.close();
            }
        };
        registry.config().commonTags("role", role, "node", node);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        return registry;
    }
}
