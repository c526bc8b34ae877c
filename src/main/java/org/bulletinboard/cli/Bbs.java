package org.bulletinboard.cli;

import org.bulletinboard.net.Endpoints;
import org.bulletinboard.net.RoleThreads;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code bbs <role> [options]}. */
@Command(name = "bbs", mixinStandardHelpOptions = true, version = "bbs 0.1.0",
        description = "BulletinBoard: a replicated bulletin board over ZeroMQ and MessagePack.",
        subcommands = {ClusterCommand.class, ReferenceCommand.class, BrokerCommand.class, ProxyCommand.class,
                ServerCommand.class, ClientCommand.class, BotCommand.class, StatusCommand.class, BenchCommand.class, ScaleBenchCommand.class, ClockBenchCommand.class,
                BarrageCommand.class, CheckCommand.class, ChaosCommand.class, DrillCommand.class})
public final class Bbs implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        RoleThreads.haltOnFatalError();
        Endpoints.useShortDnsCache();
        CommandLine commandLine = new CommandLine(new Bbs())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    // A role that cannot start (a port in use, an unreadable data directory) says why in one line.
                    line.getErr().println("bbs " + line.getCommandName() + ": " + e.getMessage());
                    return 1;
                });
        System.exit(commandLine.execute(args));
    }
}
