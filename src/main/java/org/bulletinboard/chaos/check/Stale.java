package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * An answer that was out of date when given: a refusal naming a channel or user created before the request was
 * sent, or a client's complete read that lacks the client's own earlier write. Informational: replicas may lag.
 */
public record Stale(int op, String process, String reason) implements Anomaly {

    @Override
    public List<String> ids() {
        return List.of(process + "#" + op);
    }
}
