package org.bulletinboard.cli;

import java.util.concurrent.Callable;
import org.bulletinboard.proxy.PubSubProxy;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws Exception {
        return UntilStopped.run(PubSubProxy.start(new PubSubProxy.Config(publishers, subscribers)));
    }
}
