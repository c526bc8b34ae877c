package org.bulletinboard.server.store;

import java.util.List;
import java.util.Map;

/**
 * Everything a server holds, derived from its events: users with their first and last login, channels, each
 * channel's posts and each user's private messages in history order. Two servers with the same events have
 * equal views.
 */
public record BoardView(Map<String, UserRecord> users,
                        Map<String, ChannelRecord> channels,
                        Map<String, List<Event>> posts,
                        Map<String, List<Event>> messages) {

    /** A user and the times of their first and last login (epoch milliseconds). */
    public record UserRecord(long firstLogin, long lastLogin) {
        UserRecord merge(UserRecord other) {
            return new UserRecord(Math.min(firstLogin, other.firstLogin), Math.max(lastLogin, other.lastLogin));
        }
    }

    /** A channel and when it was first created (epoch milliseconds). */
    public record ChannelRecord(long created) {
        ChannelRecord merge(ChannelRecord other) {
            return new ChannelRecord(Math.min(created, other.created));
        }
    }

    public int postCount() {
        return posts.values().stream().mapToInt(List::size).sum();
    }

    public int messageCount() {
        return messages.values().stream().mapToInt(List::size).sum();
    }
}
