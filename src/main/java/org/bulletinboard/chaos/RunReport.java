package org.bulletinboard.chaos;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.chaos.check.Counts;
import org.bulletinboard.chaos.check.Verdict;
import org.bulletinboard.chaos.nemesis.Nemesis;

/**
 * What a run found: its settings, each phase with what its check found first, the final check, and the totals
 * the summary line gives. Written as JSON beside the history.
 *
 * @param totals      distinct anomalies over every check, by kind
 * @param finalFound  what only the final check (boards and the clients' view included) found
 * @param downAtEnd   roles not running when the clients stopped
 * @param quietAtEndMs how long the cluster took to be quiet before the final check, or null if it was not
 */
public record RunReport(@JsonIgnore ChaosSettings settings, List<Phase> phases, Counts ops, Map<String, Integer> totals,
                        boolean converged, List<String> differences, Map<String, Findings.Found> finalFound,
                        List<String> downAtEnd, Long quietAtEndMs, long longestOutageMs, String longestOutageWhere,
                        long durationMs, boolean safe) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static RunReport of(ChaosSettings settings, List<Phase> phases, Verdict last, Findings findings,
                        Map<String, Findings.Found> finalFound, List<String> downAtEnd, Long quietAtEndMs,
                        long durationMs) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String kind : List.of(Findings.LOST, Findings.RESURRECTED, Findings.DUPLICATED, Findings.ORDER,
                Findings.NON_MONOTONIC, Findings.STALE)) {
            totals.put(kind, findings.total(kind));
        }
        Phase worst = phases.stream().max(Comparator.comparingLong(p -> p.availability().longestOutageNanos()))
                .orElseThrow();
        return new RunReport(settings, phases, last.counts(), totals, last.convergence().converged(),
                last.convergence().differences(), finalFound, downAtEnd, quietAtEndMs,
                worst.availability().longestOutageNanos() / 1_000_000,
                "phase " + worst.index() + " (" + String.join("+", worst.nemeses().isEmpty() ? List.of("none")
                        : worst.nemeses()) + "), " + worst.availability().longestOutageProcess(),
                durationMs, findings.safe() && last.safe());
    }

    /** One line: operations by outcome, each property, the longest outage, and the verdict. */
    public String summaryLine() {
        return String.format("chaos seed %d: %d phases, %d ops (ok %d, fail %d, info %d); lost %d, resurrected %d,"
                        + " duplicated %d, order %d, non-monotonic %d, stale %d; converged %s; longest outage %.1f s"
                        + " (%s); %s",
                settings.seed(), phases.size(), ops.ok() + ops.fail() + ops.info(), ops.ok(), ops.fail(), ops.info(),
                totals.get(Findings.LOST), totals.get(Findings.RESURRECTED), totals.get(Findings.DUPLICATED),
                totals.get(Findings.ORDER), totals.get(Findings.NON_MONOTONIC), totals.get(Findings.STALE),
                converged ? "yes" : "no", longestOutageMs / 1000.0, longestOutageWhere, safe ? "SAFE" : "UNSAFE");
    }

    /** The run's settings as the report gives them: durations in milliseconds, nemeses by name. */
    @JsonProperty("settings")
    Map<String, Object> settingsForReport() {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("seed", settings.seed());
        shown.put("mix", settings.mix());
        shown.put("duration_ms", settings.duration().toMillis());
        shown.put("nemeses", settings.nemeses().stream().map(Nemesis::label).toList());
        shown.put("hold_ms", settings.hold().toMillis());
        shown.put("course_clients", settings.courseClients());
        shown.put("retrying_clients", settings.retryingClients());
        shown.put("pace_ms", settings.paceMillis());
        shown.put("servers", settings.servers());
        shown.put("heartbeat_ms", settings.heartbeat().toMillis());
        shown.put("heartbeat_timeout_ms", settings.heartbeatTimeout().toMillis());
        shown.put("ack_timeout_ms", settings.ackTimeout().toMillis());
        shown.put("catch_up_ms", settings.catchUp().toMillis());
        shown.put("quiet_timeout_ms", settings.quietTimeout().toMillis());
        shown.put("work_dir", settings.workDir().toAbsolutePath().toString());
        return shown;
    }

    /** The summary line, in the report too. */
    @JsonProperty("summary")
    String summaryForReport() {
        return summaryLine();
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
