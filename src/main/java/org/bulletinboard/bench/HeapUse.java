package org.bulletinboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * This process's heap around a run: in use after a full collection before and after it, and the peak of the old
 * generation while it ran (where the JVM puts objects too large for the young one, so a single huge allocation
 * shows there even if it is garbage a moment later).
 */
public record HeapUse(long beforeBytes, long afterBytes, long oldGenPeakBytes) {

    /** Starts measuring: collects, notes what is in use, and resets the peaks. */
    public static Meter start() {
        long before = usedAfterGc();
        oldGenerations().forEach(MemoryPoolMXBean::resetPeakUsage);
        return () -> new HeapUse(before, usedAfterGc(),
                oldGenerations().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum());
    }

    /** Ends a measurement. */
    @FunctionalInterface
    public interface Meter {
        HeapUse stop();
    }

    public long growthBytes() {
        return afterBytes - beforeBytes;
    }

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<MemoryPoolMXBean> oldGenerations() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .filter(pool -> pool.getName().contains("Old") || pool.getName().contains("Tenured"))
                .toList();
    }
}
