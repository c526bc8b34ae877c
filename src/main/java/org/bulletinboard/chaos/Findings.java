package org.bulletinboard.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bulletinboard.chaos.check.Anomaly;
import org.bulletinboard.chaos.check.Verdict;

/**
 * What the checks of a run found, kind by kind, remembered across checks so each phase is given only what was new
 * after it: an anomaly found again (the same lost write, still lost) belongs to the phase that first showed it.
 */
final class Findings {
    static final String LOST = "lost";
    static final String RESURRECTED = "resurrected";
    static final String DUPLICATED = "duplicated";
    static final String ORDER = "order";
    static final String NON_MONOTONIC = "non-monotonic";
    static final String NOT_CONVERGED = "not-converged";
    /** Informational: a refusal or read that missed an earlier acknowledged write. */
    static final String STALE = "stale";
    /** What is reported beside the safety properties: reads are served by one server each, which may lag. */
    static final Set<String> INFORMATIONAL = Set.of(NON_MONOTONIC, STALE);
    /** Examples kept per kind and phase in the report. */
    private static final int EXAMPLES = 10;

    /** How many anomalies of one kind a check found first, and a few of them. */
    record Found(int count, List<String> examples) {}

    private final Map<String, Set<String>> seen = new TreeMap<>();
    private final Map<String, Integer> totals = new TreeMap<>();
    private boolean converged = true;
    private boolean everDiverged;

    /** The anomalies of {@code verdict} that no earlier check found, by kind. */
    Map<String, Found> newIn(Verdict verdict) {
        Map<String, Found> fresh = new LinkedHashMap<>();
        add(fresh, LOST, verdict.lost());
        add(fresh, RESURRECTED, verdict.resurrected());
        add(fresh, DUPLICATED, verdict.duplicated());
        add(fresh, ORDER, verdict.order());
        add(fresh, NON_MONOTONIC, verdict.nonMonotonic());
        add(fresh, STALE, verdict.stale());
        boolean nowConverged = verdict.convergence().converged();
        if (!nowConverged && converged) {
            List<String> differences = verdict.convergence().differences();
            fresh.put(NOT_CONVERGED, new Found(1, differences.stream().limit(EXAMPLES).toList()));
        }
        converged = nowConverged;
        everDiverged |= !nowConverged;
        return fresh;
    }

    /** How many anomalies of a kind the checks so far found, each counted by the check that found it first. */
    int total(String kind) {
        return totals.getOrDefault(kind, 0);
    }

    /** Whether no check found a safety property broken: no anomaly but informational ones, and servers never differed. */
    boolean safe() {
        return INFORMATIONAL.containsAll(totals.keySet()) && !everDiverged;
    }

    private void add(Map<String, Found> fresh, String kind, List<? extends Anomaly> anomalies) {
        Set<String> known = seen.computeIfAbsent(kind, k -> new HashSet<>());
        List<String> found = new ArrayList<>();
        int count = 0;
        for (Anomaly anomaly : anomalies) {
            boolean isNew = false;
            for (String id : anomaly.ids()) {
                isNew |= known.add(id);
            }
            if (isNew) {
                count++;
                if (found.size() < EXAMPLES) {
                    found.add(anomaly.toString());
                }
            }
        }
        if (count > 0) {
            fresh.put(kind, new Found(count, found));
            totals.merge(kind, count, Integer::sum);
        }
    }
}
