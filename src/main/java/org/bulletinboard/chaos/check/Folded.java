package org.bulletinboard.chaos.check;

import java.util.Set;

/**
 * What a server's checkpoint holds beyond the events it still sends: the users and channels it folded (their
 * events gone), and the ids of every event it covers (copies of a retried request other than the one kept among them).
 */
public record Folded(Set<String> users, Set<String> channels, Set<String> coveredIds) {
    public static final Folded NONE = new Folded(Set.of(), Set.of(), Set.of());

    public Folded {
        users = Set.copyOf(users);
        channels = Set.copyOf(channels);
        coveredIds = Set.copyOf(coveredIds);
    }
}
