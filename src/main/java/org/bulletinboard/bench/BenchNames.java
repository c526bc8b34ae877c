package org.bulletinboard.bench;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The users and channels a bench run uses: one user per client and a few channels, under a prefix drawn per
 * run so that runs against the same cluster do not mix their publications.
 */
record BenchNames(List<String> users, List<String> channels) {
    static BenchNames draw(int clients, int channels) {
        String run = "bench-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        return new BenchNames(IntStream.range(0, clients).mapToObj(i -> run + "-u" + i).toList(),
                IntStream.range(0, channels).mapToObj(i -> run + "-c" + i).toList());
    }

    String user(ThreadLocalRandom random) {
        return users.get(random.nextInt(users.size()));
    }

    String channel(ThreadLocalRandom random) {
        return channels.get(random.nextInt(channels.size()));
    }

    /** Every topic a publication of this run goes to: the channels and the users (private messages). */
    List<String> topics() {
        return Stream.concat(channels.stream(), users.stream()).toList();
    }
}
