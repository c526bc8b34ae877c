package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * What the checker found in a history; every list sorted, so two checks of the same history read the same.
 *
 * @param nonMonotonic informational, not a safety violation: reads are served by one server each
 * @param stale        informational, not a safety violation
 */
public record Verdict(List<Lost> lost, List<Resurrected> resurrected, List<Duplicated> duplicated,
                      List<OrderViolation> order, List<NonMonotonic> nonMonotonic, List<Stale> stale,
                      Convergence convergence, Counts counts) {

    public Verdict {
        lost = List.copyOf(lost);
        resurrected = List.copyOf(resurrected);
        duplicated = List.copyOf(duplicated);
        order = List.copyOf(order);
        nonMonotonic = List.copyOf(nonMonotonic);
        stale = List.copyOf(stale);
    }

    /**
     * No write lost, resurrected or duplicated, no order disagreement, and convergence: what the cluster promises.
     * Reads going back ({@code nonMonotonic}) and stale answers are reported beside it: a read is served by one
     * server from what it holds, which may lag a quorum by a moment.
     */
    public boolean safe() {
        return lost.isEmpty() && resurrected.isEmpty() && duplicated.isEmpty() && order.isEmpty()
                && convergence.converged();
    }
}
