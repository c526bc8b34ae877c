package org.bulletinboard.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.bulletinboard.chaos.cluster.ChaosCluster;
import org.bulletinboard.chaos.cluster.RoleJvm;
import org.bulletinboard.chaos.cluster.SmallDisk;
import org.bulletinboard.clock.LamportClock;

/**
 * The faults the checker injects, each on roles or links drawn from the run's random numbers. In catalogue order,
 * which the short run follows: the ones that leave lasting damage on today's code (a full disk, a poisoned clock)
 * come last, so the others are judged on a cluster they did not break.
 */
public enum Nemesis {
    KILL_SERVER("kill-server", "SIGKILL a server, start it again at the heal") {
        @Override
        public Fault inject(FaultContext context) {
            return killed(context.cluster().server(oneServer(context)));
        }
    },
    KILL_BROKER("kill-broker", "SIGKILL the broker, start it again at the heal") {
        @Override
        public Fault inject(FaultContext context) {
            return killed(context.cluster().role(ChaosCluster.BROKER));
        }
    },
    KILL_PROXY("kill-proxy", "SIGKILL the proxy, start it again at the heal") {
        @Override
        public Fault inject(FaultContext context) {
            return killed(context.cluster().role(ChaosCluster.PROXY));
        }
    },
    KILL_REFERENCE("kill-reference", "SIGKILL the reference server, start it again at the heal") {
        @Override
        public Fault inject(FaultContext context) {
            return killed(context.cluster().role(ChaosCluster.REFERENCE));
        }
    },
    PAUSE_SHORT("pause-short", "SIGSTOP one or two servers for half the heartbeat timeout, then SIGCONT") {
        @Override
        public Fault inject(FaultContext context) {
            return paused(context, context.heartbeatTimeout().dividedBy(2));
        }
    },
    PAUSE_LONG("pause-long", "SIGSTOP one or two servers for twice the heartbeat timeout, then SIGCONT") {
        @Override
        public Fault inject(FaultContext context) {
            return paused(context, context.heartbeatTimeout().multipliedBy(2));
        }
    },
    PARTITION_PEERS("partition-peers", "cut a server from its peers only, both ways") {
        @Override
        public Fault inject(FaultContext context) {
            String server = oneServer(context);
            List<String> others = new ArrayList<>(context.cluster().serverNames());
            others.remove(server);
            return Partition.between(context.cluster(), List.of(server), others)
                    .cut(server + " cut from its peers " + others);
        }
    },
    PARTITION_REFERENCE("partition-reference", "cut a server from the reference server only") {
        @Override
        public Fault inject(FaultContext context) {
            String server = oneServer(context);
            return Partition.links(context.cluster(), List.of(server), List.of(ChaosCluster.REFERENCE))
                    .cut(server + " cut from the reference server");
        }
    },
    PARTITION_BROKER("partition-broker", "cut a server from the broker only") {
        @Override
        public Fault inject(FaultContext context) {
            String server = oneServer(context);
            return Partition.links(context.cluster(), List.of(server), List.of(ChaosCluster.BROKER))
                    .cut(server + " cut from the broker");
        }
    },
    PARTITION_MAJORITY("partition-majority",
            "split the servers into a majority and a minority; the reference server, broker and proxy stay on one side") {
        @Override
        public Fault inject(FaultContext context) {
            List<String> servers = shuffled(context);
            int minoritySize = (servers.size() - 1) / 2;
            List<String> minority = servers.subList(0, Math.max(1, minoritySize));
            List<String> majority = servers.subList(minority.size(), servers.size());
            boolean rolesWithMinority = context.random().nextBoolean();
            List<String> farFromRoles = rolesWithMinority ? majority : minority;
            Partition partition = Partition.between(context.cluster(), minority, majority)
                    .and(Partition.links(context.cluster(), farFromRoles, List.of(ChaosCluster.REFERENCE,
                            ChaosCluster.BROKER, ChaosCluster.PROXY, ChaosCluster.PROXY_SUBSCRIBERS)));
            return partition.cut("minority " + minority + " apart from majority " + majority
                    + "; reference server, broker and proxy with the " + (rolesWithMinority ? "minority" : "majority"));
        }
    },
    REFERENCE_DOWN_RESTARTS("reference-down-restarts",
            "SIGKILL the reference server and keep it down while every server is SIGKILLed and started again") {
        @Override
        public Fault inject(FaultContext context) {
            RoleJvm reference = context.cluster().role(ChaosCluster.REFERENCE);
            reference.kill();
            List<String> order = shuffled(context);
            List<String> silent = new ArrayList<>();
            for (String server : order) {
                RoleJvm role = context.cluster().server(server);
                role.kill();
                role.start();
                if (!context.awaitAnswering(server, RESTART_BOUND)) {
                    silent.add(server);
                }
            }
            return Fault.of("reference server down; servers restarted in the order " + order
                    + (silent.isEmpty() ? "" : "; not answering within " + RESTART_BOUND.toSeconds() + " s: " + silent),
                    Optional.empty(), reference::start);
        }
    },
    WIPE("wipe", "SIGKILL a server, delete its data directory, start it again empty") {
        @Override
        public Fault inject(FaultContext context) {
            String server = oneServer(context);
            context.cluster().wipe(server);
            return Fault.done(server + " wiped and started empty");
        }
    },
    CLOCK_SKEW("clock-skew", "restart a server with its clock 10 s to 1 h off (BBS_CLOCK_SKEW_MS), and back at the heal") {
        @Override
        public Fault inject(FaultContext context) {
            String server = oneServer(context);
            long seconds = 10 + context.random().nextInt(3591);
            long skew = (context.random().nextBoolean() ? 1 : -1) * seconds * 1000;
            RoleJvm role = context.cluster().server(server);
            restartWithSkew(role, skew);
            return Fault.of(server + " restarted with its clock " + (skew > 0 ? "+" : "") + skew / 1000 + " s off",
                    Optional.empty(), () -> restartWithSkew(role, 0));
        }
    },
    DISK_FULL("disk-full", "fill the small file system one server's data is on; free it at the heal, and the server"
            + " must serve again by itself (needs root)") {
        @Override
        public Fault inject(FaultContext context) throws Exception {
            Optional<SmallDisk> disk = context.cluster().disk();
            if (disk.isEmpty()) {
                return Fault.done("skipped: " + context.cluster().diskRefusal());
            }
            String server = context.cluster().smallDiskServer().orElseThrow();
            disk.get().fill();
            return Fault.of(server + "'s disk full", Optional.empty(), disk.get()::free);
        }
    },
    CLOCK_BOMB("clock-bomb", "a client request whose Lamport clock is 2^53 - 1000, inside the bound servers accept;"
            + " if a server takes it, held until a server's clock passes the bound") {
        @Override
        public Fault inject(FaultContext context) {
            long clock = LamportClock.MAX - 1000;
            context.sendClock(clock);
            long highest = context.highestLamport();
            if (highest < clock) {
                return Fault.done("a login stamped with Lamport clock " + clock + "; no server took it (the highest"
                        + " server clock is " + highest + ")");
            }
            boolean passed = context.awaitLamportBeyond(LamportClock.MAX, CLOCK_BOUND);
            return Fault.done("a login stamped with Lamport clock " + clock + "; "
                    + (passed ? "a server's clock then passed " : "no server's clock passed ") + LamportClock.MAX
                    + (passed ? "" : " within " + CLOCK_BOUND.toSeconds() + " s"));
        }
    };

    /** How long the clients' traffic gets to carry a hostile clock past the bound. */
    private static final Duration CLOCK_BOUND = Duration.ofSeconds(30);
    /** How long a server restarted while the reference server is down gets to answer on its peer socket. */
    private static final Duration RESTART_BOUND = Duration.ofSeconds(10);

    private final String label;
    private final String summary;

    Nemesis(String label, String summary) {
        this.label = label;
        this.summary = summary;
    }

    /** Begins the fault on targets drawn from {@code context}'s random numbers; the caller holds it, then heals it. */
    public abstract Fault inject(FaultContext context) throws Exception;

    /** The name on the command line and in reports, e.g. {@code kill-server}. */
    public String label() {
        return label;
    }

    /** What it does, in a line. */
    public String summary() {
        return summary;
    }

    public static Nemesis byLabel(String label) {
        return Arrays.stream(values()).filter(n -> n.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no nemesis '" + label + "'; known: "
                        + Arrays.stream(values()).map(Nemesis::label).toList()));
    }

    private static String oneServer(FaultContext context) {
        List<String> servers = context.cluster().serverNames();
        return servers.get(context.random().nextInt(servers.size()));
    }

    private static List<String> shuffled(FaultContext context) {
        List<String> servers = new ArrayList<>(context.cluster().serverNames());
        Collections.shuffle(servers, context.random());
        return servers;
    }

    private static Fault killed(RoleJvm role) {
        role.kill();
        return Fault.of(role.name() + " killed", Optional.empty(), role::start);
    }

    private static Fault paused(FaultContext context, Duration hold) {
        List<String> servers = shuffled(context).subList(0, 1 + context.random().nextInt(2));
        List<RoleJvm> roles = servers.stream().map(context.cluster()::server).toList();
        roles.forEach(RoleJvm::pause);
        return Fault.of(servers + " paused for " + hold.toMillis() + " ms", Optional.of(hold),
                () -> roles.forEach(RoleJvm::resume));
    }

    private static void restartWithSkew(RoleJvm role, long skewMillis) {
        role.setEnvironment("BBS_CLOCK_SKEW_MS", skewMillis == 0 ? null : Long.toString(skewMillis));
        role.stop();
        role.start();
    }

    /** A random draw of a nemesis, for mixed runs. */
    public static Nemesis draw(List<Nemesis> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }
}
