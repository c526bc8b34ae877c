package org.bulletinboard.clock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of one Berkeley round, run by the coordinator. Each reading is compensated for half its round
 * trip and expressed as an offset from the coordinator's own clock. Offsets far from the median (more than
 * {@link #OUTLIER_MADS} median absolute deviations and more than {@link #OUTLIER_FLOOR_MILLIS}) are left out of
 * the average, so one broken clock cannot drag the others (a fault-tolerant average); every server, outliers
 * included, then gets the correction that brings it to that average.
 */
public final class BerkeleyRound {
    public static final double OUTLIER_MADS = 3;
    public static final double OUTLIER_FLOOR_MILLIS = 1_000;

    /**
     * One server's answer: its clock reading, and the coordinator's own clock when the request left and when the
     * answer came back (all epoch milliseconds).
     */
    public record Reading(double remoteMillis, double sentMillis, double receivedMillis) {
        /** The remote clock minus ours, assuming the answer was read half-way through the round trip. */
        public double offset() {
            return remoteMillis + (receivedMillis - sentMillis) / 2 - receivedMillis;
        }

        public double roundTripMillis() {
            return receivedMillis - sentMillis;
        }
    }

    /** What a round decided: each server's correction (ms to add), and which servers were left out of the average. */
    public record Outcome(Map<String, Double> corrections, List<String> outliers, double spreadBeforeMillis) {}

    private BerkeleyRound() {}

    /** @param offsets each server's offset from the coordinator in ms (the coordinator itself at 0) */
    public static Outcome corrections(Map<String, Double> offsets) {
        if (offsets.isEmpty()) {
            return new Outcome(Map.of(), List.of(), 0);
        }
        double median = median(new ArrayList<>(offsets.values()));
        List<Double> deviations = offsets.values().stream().map(o -> Math.abs(o - median)).toList();
        double bound = Math.max(OUTLIER_FLOOR_MILLIS, OUTLIER_MADS * median(new ArrayList<>(deviations)));
        List<String> outliers = new ArrayList<>();
        double sum = 0;
        int counted = 0;
        for (Map.Entry<String, Double> entry : offsets.entrySet()) {
            if (Math.abs(entry.getValue() - median) > bound) {
                outliers.add(entry.getKey());
            } else {
                sum += entry.getValue();
                counted++;
            }
        }
        double average = sum / counted;
        Map<String, Double> corrections = new HashMap<>();
        offsets.forEach((name, offset) -> corrections.put(name, average - offset));
        double spread = offsets.values().stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - offsets.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return new Outcome(corrections, outliers, spread);
    }

    private static double median(List<Double> values) {
        values.sort(Double::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
