package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * An acknowledged write that a readable server, or what the clients see, does not hold.
 *
 * @param key        the write's channel (publish) or recipient (message); null for login and channel
 * @param ackedNanos when the write was acknowledged
 * @param missingOn  the servers that lack it, and {@code clients} when the clients' view lacks it
 */
public record Lost(Fn f, String value, String key, String process, long ackedNanos, List<String> missingOn)
        implements Anomaly {

    public Lost {
        missingOn = List.copyOf(missingOn);
    }

    @Override
    public List<String> ids() {
        return List.of(value);
    }
}
