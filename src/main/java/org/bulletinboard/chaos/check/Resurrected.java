package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * A refused write that shows anyway.
 *
 * @param error     the refusal
 * @param presentOn the servers that hold it, {@code clients} when the clients' view shows it, and the reads that
 *                  returned it ({@code read by c3 (op 17)})
 */
public record Resurrected(Fn f, String value, String process, String error, List<String> presentOn)
        implements Anomaly {

    public Resurrected {
        presentOn = List.copyOf(presentOn);
    }

    @Override
    public List<String> ids() {
        return List.of(value);
    }
}
