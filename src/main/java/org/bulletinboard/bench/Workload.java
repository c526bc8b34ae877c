package org.bulletinboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bulletinboard.protocol.Services;

/**
 * What each bench client sends, round after round, one request at a time. Names come from the bench's own
 * users and channels, never from replies, so the same sequence runs unchanged against echo servers.
 */
public enum Workload {
    /** Posts to the bench channels. */
    PUBLISH,
    /** Private messages between bench users. */
    MESSAGE,
    /** The bot's mix: a channel list, ten posts and, three rounds in ten, a user list and a private message. */
    MIXED,
    /** Reads only: users, channels, and a channel's last 10 posts, in equal parts. */
    READ;

    /** One request: its service and fields; a post or message gets its body when it is sent. */
    record Request(String service, Map<String, Object> fields) {
        boolean carriesBody() {
            return Services.PUBLISH.equals(service) || Services.MESSAGE.equals(service);
        }
    }

    private static final int POSTS_PER_ROUND = 10;
    private static final double SOCIAL_CHANCE = 0.3;

    /** The requests of one round of a client named {@code user}. */
    List<Request> round(String user, BenchNames names) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (this) {
            case PUBLISH -> List.of(publish(user, names.channel(random)));
            case MESSAGE -> List.of(message(user, names.user(random)));
            case READ -> List.of(new Request(Services.USERS, Map.of()), new Request(Services.CHANNELS, Map.of()),
                    new Request(Services.HISTORY, Map.of("channel", names.channel(random), "limit", 10)));
            case MIXED -> {
                List<Request> round = new ArrayList<>();
                round.add(new Request(Services.CHANNELS, Map.of()));
                String channel = names.channel(random);
                for (int i = 0; i < POSTS_PER_ROUND; i++) {
                    round.add(publish(user, channel));
                }
                if (random.nextDouble() < SOCIAL_CHANCE) {
                    round.add(new Request(Services.USERS, Map.of()));
                    round.add(message(user, names.user(random)));
                }
                yield round;
            }
        };
    }

    private static Request publish(String user, String channel) {
        return new Request(Services.PUBLISH, Map.of("user", user, "channel", channel));
    }

    private static Request message(String src, String dst) {
        return new Request(Services.MESSAGE, Map.of("src", src, "dst", dst));
    }
}
