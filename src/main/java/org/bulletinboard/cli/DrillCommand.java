package org.bulletinboard.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulletinboard.chaos.drill.FailoverDrill;
import org.bulletinboard.chaos.drill.MarkedDrill;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"The pod-loss drill: runs every role as a JVM of its own on loopback (reference server, two "
                + "brokers, two proxies, three servers) under steady load from writers on both brokers and a "
                + "subscriber on both proxies, stops each role in turn as a deleted pod is stopped, starts it again, "
                + "and prints for each the longest any client went without an answer and the longest the subscriber "
                + "went without a publication.",
                "Exits 1 if an acknowledged write was lost or doubled on any server, or a request failed."})
final class DrillCommand implements Callable<Integer> {
    @Option(names = "--roles", split = ",",
            description = "Roles to stop, in turn; several joined by + are stopped at once (default: each alone): ${DEFAULT-VALUE}.",
            defaultValue = "reference,broker-1,broker-2,proxy-1,proxy-2,server-1,server-2,server-3")
    List<String> roles;

    @Option(names = "--brokers", description = "Drill a cluster that runs elsewhere instead: the writers' brokers"
            + " (a list, or a name of several addresses); windows are closed by lines 'mark LABEL' on standard input, and the load by 'stop' or its end.")
    String brokers;

    @Option(names = "--proxies", description = "With --brokers: the subscriber's proxies (a list, or a name of several"
            + " addresses).")
    String proxies;

    @Option(names = "--kill", description = "SIGKILL each role, as a crash does, instead of SIGTERM.")
    boolean kill;

    @Option(names = "--writers", defaultValue = "4", description = "Writers, each one request at a time (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--pace-ms", defaultValue = "20", description = "Each writer's pause between writes (default: ${DEFAULT-VALUE}).")
    long paceMillis;

    @Option(names = "--window-s", defaultValue = "6",
            description = "Each window measured, at least (a role's lasts until it is back) (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Option(names = "--base-port", defaultValue = "29555",
            description = "First of 12 ports the roles bind on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--out", description = "Work directory: data and logs (default: drill-runs/<time>).")
    Path out;

    @Option(names = "--jvm-options", split = " ", defaultValue = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            description = "Options of each role's JVM (default: ${DEFAULT-VALUE}).")
    List<String> jvmOptions;

    @Override
    public Integer call() throws Exception {
        QuietLogs.unlessAsked();
        if (brokers != null) {
            if (proxies == null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--brokers needs --proxies");
            }
            return MarkedDrill.run(brokers, proxies, writers, Duration.ofMillis(paceMillis),
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out) ? 0 : 1;
        }
        for (String group : roles) {
            for (String role : group.split("\\+")) {
                if (!FailoverDrill.ROLES.contains(role)) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "unknown role '" + role + "': one of " + FailoverDrill.ROLES);
                }
            }
        }
        Path work = out != null ? out : Path.of("drill-runs", String.valueOf(System.currentTimeMillis() / 1000));
        FailoverDrill.Result result = FailoverDrill.run(new FailoverDrill.Settings(basePort, work, roles, writers,
                Duration.ofMillis(paceMillis), Duration.ofSeconds(windowSeconds), kill, jvmOptions), System.out);
        return result.clean() ? 0 : 1;
    }
}
