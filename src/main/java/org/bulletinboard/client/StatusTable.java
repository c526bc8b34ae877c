package org.bulletinboard.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulletinboard.api.Reply;

/**
 * Renders a {@code status} reply as one aligned table, a line per server. Equal digests mean the servers hold the
 * same events, and so the same board; the last line says whether they all agree.
 */
public final class StatusTable {
    private static final List<String> HEADER = List.of(
            "SERVER", "RANK", "ROLE", "READY", "LAMPORT", "CLOCK OFFSET", "EVENTS", "DIGEST", "HEARTBEAT AGE");

    private StatusTable() {}

    public static String render(Reply reply) {
        if (!reply.ok()) {
            return "status failed: " + reply.error();
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Map<?, ?> server : reply.maps("servers")) {
            rows.add(Boolean.FALSE.equals(server.get("reachable"))
                    ? List.of(text(server.get("name")), text(server.get("rank")), "unreachable", "", "", "", "", "", "")
                    : List.of(text(server.get("name")), text(server.get("rank")),
                            Boolean.TRUE.equals(server.get("coordinator")) ? "coordinator" : "server",
                            Boolean.TRUE.equals(server.get("ready")) ? "yes" : "no",
                            text(server.get("clock")),
                            server.get("offset_ms") instanceof Number ms ? String.format("%+.3f ms", ms.doubleValue()) : "?",
                            text(server.get("events")),
                            text(server.get("digest")),
                            server.get("heartbeat_age_ms") instanceof Number age && age.longValue() >= 0
                                    ? age.longValue() + " ms" : "never"));
        }
        StringBuilder table = new StringBuilder();
        int[] widths = new int[HEADER.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            table.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        Object coordinator = reply.data().get("coordinator");
        table.append(coordinator == null
                ? "No coordinator known yet; offsets are from " + reply.data().get("offsets_from") + "'s clock."
                : "Clock offsets are from the coordinator, " + coordinator + ".");
        long digests = reply.maps("servers").stream().filter(s -> s.get("digest") != null)
                .map(s -> s.get("digest")).distinct().count();
        table.append(System.lineSeparator()).append(digests <= 1
                ? "Every server holds the same events."
                : "Servers differ in the events they hold (" + digests + " digests): one is catching up or cut off.");
        return table.toString();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
