package org.bulletinboard.chaos.check;

/** Something the checker found wrong in a history. */
public sealed interface Anomaly permits Lost, Resurrected, Duplicated, OrderViolation, NonMonotonic, Stale {

    /**
     * What names this anomaly across two checks of a growing history: found again, it has the same id. (Not
     * {@code key()}: several anomalies carry a key of their own, the channel or user they concern.)
     */
    String id();
}
