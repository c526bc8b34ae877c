package org.bulletinboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

/** The broker's queue hands every request that waited too long back to be answered, and keeps the rest in order. */
class PendingRequestsTest {
    private static final long MAX_AGE = 10;

    @Test
    void expiredRequestsAreHandedOutOldestFirstAndTheRestStayQueued() {
        PendingRequests pending = new PendingRequests(10, MAX_AGE);
        ClientRequest old = request(0);
        ClientRequest older = request(-5); // put back after its worker was lost: older than what waits behind it
        ClientRequest fresh = request(5);
        pending.offer(old);
        pending.offer(fresh);
        pending.putBack(older);

        List<ClientRequest> expired = new ArrayList<>();
        pending.expire(12, expired::add);

        assertEquals(List.of(older, old), expired);
        assertEquals(2, pending.expired());
        assertSame(fresh, pending.poll());
        assertNull(pending.poll());
    }

    @Test
    void aRequestAtItsDeadlineIsStillServed() {
        PendingRequests pending = new PendingRequests(10, MAX_AGE);
        ClientRequest request = request(0);
        pending.offer(request);

        pending.expire(MAX_AGE, expired -> { throw new AssertionError("expired at its deadline"); });

        assertSame(request, pending.poll());
    }

    private static ClientRequest request(long arrived) {
        return new ClientRequest(new ZMsg(), arrived, 0, "b1");
    }
}
