package org.bulletinboard.bench;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What processes spent over a measured window, from their own accounting: CPU time (user and system, every
 * thread) and context switches (voluntary and not, summed over the threads alive at each reading; /proc keeps
 * no total for threads that ended). Read from /proc where it exists; elsewhere only this process's CPU time,
 * from the JVM, and no context switches. Optionally also the CPU time and the bytes allocated of some of this
 * process's threads: those of a cluster started in it, without the load generator's threads and the JVM's compiler
 * and GC threads; and then the garbage collections of this JVM, and the servers' waits for their disks.
 */
public final class ProcessCost {
    /** Clock ticks per second in /proc's CPU times: USER_HZ, 100 on every Linux architecture Java runs on. */
    private static final long TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");
    /** The JVM's thread bean, with its per-thread reading of many threads at once. */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * One reading; {@code contextSwitches} is -1 where they cannot be read; the threads' CPU and allocation and the
     * collections are -1 without chosen threads.
     */
    record Reading(long cpuNanos, long contextSwitches, long threadsCpuNanos, long threadsAllocatedBytes,
                   Collections collections, DiskWaits disk) {}

    /** This JVM's garbage collections so far, as its collectors count them (none: -1). */
    record Collections(long count, long millis) {
        static final Collections NONE = new Collections(-1, -1);

        static Collections ofThisJvm() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, collector.getCollectionCount());
                millis += Math.max(0, collector.getCollectionTime());
            }
            return new Collections(count, millis);
        }

        Collections since(Collections before) {
            return before.count() < 0 ? NONE : new Collections(count - before.count(), millis - before.millis());
        }
    }

    /**
     * What a window cost: CPU and context switches between two readings, the chosen threads' CPU and allocated
     * bytes and the JVM's collections (-1: none), and the servers' waits for their disks.
     */
    record Spent(String processes, long cpuNanos, long contextSwitches, long threadsCpuNanos,
                 long threadsAllocatedBytes, Collections collections, DiskWaits disk, long windowNanos) {
        /** Cores busy on average over the window. */
        double cores() {
            return (double) cpuNanos / windowNanos;
        }
    }

    private final List<Long> pids;
    private final String description;
    /** The chosen threads' Java ids; empty for none. */
    private final long[] threads;
    /** The servers' fsync timers, read at each reading; null where they are not in this process. */
    private final Supplier<List<Timer>> fsyncTimers;

    /** This process, and the threads of it given (Java thread ids; empty for none). */
    public static ProcessCost ofThisProcess(Set<Long> threads) {
        return new ProcessCost(List.of(ProcessHandle.current().pid()), "this process",
                threads.stream().mapToLong(Long::longValue).toArray(), null);
    }

    /** Other processes (none: this one). */
    public static ProcessCost ofProcesses(List<Long> pids) {
        return pids.isEmpty() ? ofThisProcess(Set.of()) : new ProcessCost(List.copyOf(pids), "process"
                + (pids.size() > 1 ? "es " : " ") + String.join(", ", pids.stream().map(String::valueOf).toList()),
                new long[0], null);
    }

    /** The ids of this process's live Java threads, to tell which threads something started. */
    public static Set<Long> liveThreads() {
        Set<Long> ids = new HashSet<>();
        for (long id : THREADS.getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** The same, also reading the servers' waits for their disks from their fsync timers (an embedded cluster's). */
    public ProcessCost withDiskWaits(Supplier<List<Timer>> fsyncTimers) {
        return new ProcessCost(pids, description, threads, fsyncTimers);
    }

    private ProcessCost(List<Long> pids, String description, long[] threads, Supplier<List<Timer>> fsyncTimers) {
        this.pids = pids;
        this.description = description;
        this.threads = threads;
        this.fsyncTimers = fsyncTimers;
    }

    /** Which processes are measured, for the report. */
    String description() {
        return description;
    }

    Reading read() {
        long cpu = 0;
        long switches = 0;
        for (long pid : pids) {
            Path process = PROC.resolve(Long.toString(pid));
            if (!Files.isDirectory(process)) {
                if (pid != ProcessHandle.current().pid()) {
                    throw new IllegalStateException("no process " + pid + " to measure");
                }
                return new Reading(ownCpuNanos(), -1, threadsCpuNanos(), threadsAllocatedBytes(), collections(),
                        disk());
            }
            cpu += cpuNanos(process);
            switches += contextSwitches(process);
        }
        return new Reading(cpu, switches, threadsCpuNanos(), threadsAllocatedBytes(), collections(), disk());
    }

    private DiskWaits disk() {
        return fsyncTimers == null ? DiskWaits.NONE : DiskWaits.of(fsyncTimers.get());
    }

    private Collections collections() {
        return threads.length == 0 ? Collections.NONE : Collections.ofThisJvm();
    }

    /** Bytes the chosen threads allocated on the heap so far. */
    private long threadsAllocatedBytes() {
        return threads.length == 0 ? -1 : sumOfLiving(THREADS.getThreadAllocatedBytes(threads));
    }

    /** The chosen threads' CPU time so far. */
    private long threadsCpuNanos() {
        return threads.length == 0 ? -1 : sumOfLiving(THREADS.getThreadCpuTime(threads));
    }

    /** Sums per-thread figures; a thread that ended reads -1 and is counted in neither reading. */
    private static long sumOfLiving(long[] perThread) {
        long total = 0;
        for (long value : perThread) {
            total += Math.max(0, value);
        }
        return total;
    }

    Spent between(Reading before, Reading after, long windowNanos) {
        long switches = before.contextSwitches() < 0 ? -1 : after.contextSwitches() - before.contextSwitches();
        long threadsCpu = before.threadsCpuNanos() < 0 ? -1 : after.threadsCpuNanos() - before.threadsCpuNanos();
        long allocated = before.threadsAllocatedBytes() < 0 ? -1
                : after.threadsAllocatedBytes() - before.threadsAllocatedBytes();
        return new Spent(description, after.cpuNanos() - before.cpuNanos(), switches, threadsCpu, allocated,
                after.collections().since(before.collections()), after.disk().since(before.disk()), windowNanos);
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime, fields 14 and 15 of /proc/PID/stat (counted after the command name, which may hold spaces). */
    private static long cpuNanos(Path process) {
        String stat;
        try {
            stat = Files.readString(process.resolve("stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + process + "/stat: " + e.getMessage(), e);
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    private static long contextSwitches(Path process) {
        long total = 0;
        try (Stream<Path> tasks = Files.list(process.resolve("task"))) {
            for (Path task : tasks.toList()) {
                for (String line : readOrEmpty(task.resolve("status")).split("\n")) {
                    if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                        total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the threads of " + process + ": " + e.getMessage(), e);
        }
        return total;
    }

    /** A file's text, or "" for a thread that ended between listing and reading. */
    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
