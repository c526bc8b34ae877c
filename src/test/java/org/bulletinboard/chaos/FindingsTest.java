package org.bulletinboard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bulletinboard.chaos.check.Convergence;
import org.bulletinboard.chaos.check.Counts;
import org.bulletinboard.chaos.check.Duplicated;
import org.bulletinboard.chaos.check.NonMonotonic;
import org.bulletinboard.chaos.check.Stale;
import org.bulletinboard.chaos.check.Verdict;
import org.junit.jupiter.api.Test;

/** Each anomaly belongs to the check that found it first; found again later, it is not new. */
class FindingsTest {
    private static final Convergence CONVERGED = new Convergence(true, List.of());

    @Test
    void anAnomalyFoundAgainIsNotNew() {
        Findings findings = new Findings();
        Map<String, Findings.Found> first = findings.newIn(verdict(List.of(new Duplicated("p1", "server server-1", 2)),
                List.of(), CONVERGED));
        Map<String, Findings.Found> second = findings.newIn(verdict(List.of(new Duplicated("p1", "read by c1 (op 9)", 2),
                new Duplicated("p2", "server server-2", 2)), List.of(), CONVERGED));

        assertEquals(1, first.get(Findings.DUPLICATED).count());
        assertEquals(1, second.get(Findings.DUPLICATED).count(), "p1 again, shown by a read, is not new; p2 is");
        assertTrue(second.get(Findings.DUPLICATED).examples().get(0).contains("p2"));
        assertEquals(2, findings.total(Findings.DUPLICATED));
        assertFalse(findings.safe());
    }

    @Test
    void aReadIsNewWhenItMissesAValueTheClientHadNotMissedBefore() {
        Findings findings = new Findings();
        findings.newIn(verdict(List.of(), List.of(new NonMonotonic("c1", "channel:a", 1, 5, List.of("x"))), CONVERGED));
        Map<String, Findings.Found> again = findings.newIn(verdict(List.of(),
                List.of(new NonMonotonic("c1", "channel:a", 1, 7, List.of("x"))), CONVERGED));
        Map<String, Findings.Found> more = findings.newIn(verdict(List.of(),
                List.of(new NonMonotonic("c1", "channel:a", 1, 8, List.of("x", "y"))), CONVERGED));

        assertEquals(Map.of(), again, "still missing x is the same anomaly");
        assertEquals(1, more.get(Findings.NON_MONOTONIC).count(), "missing y too is new");
    }

    @Test
    void divergenceIsNewWhenTheCheckBeforeConverged() {
        Findings findings = new Findings();
        Convergence apart = new Convergence(false, List.of("server-3 unreadable"));
        assertEquals(List.of("server-3 unreadable"),
                findings.newIn(verdict(List.of(), List.of(), apart)).get(Findings.NOT_CONVERGED).examples());
        assertEquals(Map.of(), findings.newIn(verdict(List.of(), List.of(), apart)), "still apart");
        findings.newIn(verdict(List.of(), List.of(), CONVERGED));
        assertTrue(findings.newIn(verdict(List.of(), List.of(), apart)).containsKey(Findings.NOT_CONVERGED));
        assertFalse(findings.safe());
    }

    @Test
    void readsGoingBackAloneAreSafe() {
        Findings findings = new Findings();
        findings.newIn(verdict(List.of(), List.of(new NonMonotonic("c1", "channel:a", 1, 5, List.of("x"))), CONVERGED));
        assertEquals(1, findings.total(Findings.NON_MONOTONIC));
        assertTrue(findings.safe());
    }

    @Test
    void staleAnswersAloneAreSafe() {
        Findings findings = new Findings();
        findings.newIn(new Verdict(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(new Stale(3, "c1", "inbox of ana lacks c1's own write")), CONVERGED, new Counts(1, 0, 0)));
        assertEquals(1, findings.total(Findings.STALE));
        assertTrue(findings.safe());
    }

    private static Verdict verdict(List<Duplicated> duplicated, List<NonMonotonic> nonMonotonic, Convergence convergence) {
        return new Verdict(List.of(), List.of(), duplicated, List.of(), nonMonotonic, List.of(), convergence,
                new Counts(1, 0, 0));
    }
}
