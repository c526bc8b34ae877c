package org.bulletinboard.cli;

import java.util.concurrent.Callable;
import org.bulletinboard.proxy.PubSubProxy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.bulletinboard.health.RoleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the publication proxy: XSUB for servers, XPUB for subscribers.")
final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--publishers", defaultValue = "${env:BBS_PROXY_PUB_BIND:-tcp://*:5557}",
            description = "Endpoint servers publish to (default: ${DEFAULT-VALUE}).")
    String publishers;

    @Option(names = "--subscribers", defaultValue = "${env:BBS_PROXY_SUB_BIND:-tcp://*:5558}",
            description = "Endpoint subscribers connect to (default: ${DEFAULT-VALUE}).")
    String subscribers;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        UntilStopped until = UntilStopped.install("proxy", "proxy");
        PrometheusMeterRegistry metrics = RoleMetrics.registry("proxy", "proxy");
        until.add(http.serve("proxy", "proxy", Optional::empty, metrics)); // ready once bound, below
        until.add(PubSubProxy.start(new PubSubProxy.Config(publishers, subscribers), metrics));
        return until.await();
    }
}
