package org.bulletinboard.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ProcessCostTest {
    private static final int ALLOCATED = 8 << 20;
    private static volatile byte[] kept;

    @Test
    void theChosenThreadsAllocationAndTheJvmsCollectionsAreCountedBetweenTwoReadings() throws Exception {
        CountDownLatch measured = new CountDownLatch(1);
        CountDownLatch allocate = new CountDownLatch(1);
        CountDownLatch allocated = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                allocate.await();
                for (int i = 0; i < ALLOCATED / 4096; i++) {
                    kept = new byte[4096];
                }
                allocated.countDown();
                measured.await(); // alive at the second reading: a thread that ended is not counted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        ProcessCost cost = ProcessCost.ofThisProcess(Set.of(worker.getId()));
        ProcessCost.Reading before = cost.read();
        allocate.countDown();
        allocated.await();
        System.gc();
        ProcessCost.Spent spent = cost.between(before, cost.read(), 1);
        measured.countDown();
        worker.join();
        assertTrue(spent.threadsAllocatedBytes() >= ALLOCATED, "allocated: " + spent.threadsAllocatedBytes());
        assertTrue(spent.threadsAllocatedBytes() < 4L * ALLOCATED, "only that thread: " + spent.threadsAllocatedBytes());
        assertTrue(spent.collections().count() >= 1, "the requested collection: " + spent.collections());
    }
}
