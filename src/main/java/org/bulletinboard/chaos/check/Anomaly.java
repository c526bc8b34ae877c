package org.bulletinboard.chaos.check;

import java.util.List;

/** Something the checker found wrong in a history. */
public sealed interface Anomaly permits Lost, Resurrected, Duplicated, OrderViolation, NonMonotonic, Stale {

    /**
     * What this anomaly shows, named so that a later check of the growing history that finds the same thing again
     * gives the same names: a value lost, resurrected or shown twice; posts out of order; each value a client saw and
     * then did not; a stale answer. (Not {@code key()}: several anomalies carry a key of their own, the channel or
     * user they concern.)
     */
    List<String> ids();
}
