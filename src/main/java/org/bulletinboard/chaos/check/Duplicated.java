package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * A post or message shown more than once by one source.
 *
 * @param where  the source: a server's log ({@code server server-1}), one list of a board
 *               ({@code board of server-1, history of lobby}, {@code clients, inbox of ana}) or one read
 *               ({@code read by c3 (op 17)})
 * @param copies how many times it shows there
 */
public record Duplicated(String value, String where, int copies) implements Anomaly {

    @Override
    public List<String> ids() {
        return List.of(value); // the same value shown twice by another source or read is the same anomaly
    }
}
