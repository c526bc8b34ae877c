package org.bulletinboard.chaos;

import java.util.List;
import java.util.Map;
import org.bulletinboard.chaos.check.Availability;

/**
 * One phase of a run: the faults injected together, held and healed, then the wait for the cluster to be quiet
 * and the check of everything so far. Times are milliseconds since the run began.
 *
 * @param nemeses      the nemeses' labels (none for the phase without faults that opens a run)
 * @param faults       what each fault did, to which roles or links
 * @param downAtHeal   roles not running when the faults were healed, with their exit codes and last log lines
 * @param recoveredMs  when every client had been answered again after the heal, or null if not within the bound
 * @param quietMs      how long the cluster took to be quiet once the clients were held, or null if it was not
 *                     quiet within the bound (the check then reads it as it is)
 * @param availability how the clients fared from the fault's start until they were all answered again
 * @param found        what the check after this phase found that no earlier check had, by kind, with examples
 * @param notBack      roles still not running after the quiet wait
 */
record Phase(int index, List<String> nemeses, List<String> faults, long startMs, long healedMs, Long recoveredMs,
             Long quietMs, Availability availability, List<String> downAtHeal, Map<String, Findings.Found> found,
             List<String> notBack) {

    /** Whether the check after this phase found a safety property broken for the first time. */
    boolean brokeSafety() {
        return !Findings.INFORMATIONAL.containsAll(found.keySet());
    }
}
