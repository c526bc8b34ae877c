package org.bulletinboard.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The names the checker's clients share: a few channels to post to and users to send private messages to, each
 * used until it has been sent its share, then kept for reads only. So no channel or inbox ever holds more than a
 * server shows in one read (500), and every read shows a key's whole history: a value missing from it is missing,
 * not scrolled out. Names become usable once their creation (a channel) or login (a user) was acknowledged.
 * Thread-safe.
 */
final class Workload {
    /** Posts a channel and messages an inbox are sent before they are kept for reads only. */
    static final int SHARE = 200;
    /** Channels and inboxes in use at once. */
    private static final int IN_USE = 4;

    private final Names channels = new Names();
    private final Names inboxes = new Names();

    synchronized void channelCreated(String channel) {
        channels.add(channel);
    }

    synchronized void userLoggedIn(String user) {
        inboxes.add(user);
    }

    /** Whether another channel is wanted, so a client should create one. */
    synchronized boolean wantsChannel() {
        return channels.wanted();
    }

    /** Whether another user to write to is wanted, so a client should log one in. */
    synchronized boolean wantsInbox() {
        return inboxes.wanted();
    }

    /** A channel to post to, counted as sent one more post. */
    synchronized Optional<String> channelToPost(Random random) {
        return channels.take(random);
    }

    /** A user to send a private message to, counted as sent one more. */
    synchronized Optional<String> inboxToWrite(Random random) {
        return inboxes.take(random);
    }

    /** A channel to read: mostly one in use, where reads meet writes. */
    synchronized Optional<String> channelToRead(Random random) {
        return channels.toRead(random);
    }

    synchronized Optional<String> inboxToRead(Random random) {
        return inboxes.toRead(random);
    }

    /** Names in use with what each was sent, spares acknowledged but not in use yet, and every name ever used. */
    private static final class Names {
        private final Map<String, Integer> inUse = new LinkedHashMap<>();
        private final Deque<String> spares = new ArrayDeque<>();
        private final List<String> used = new ArrayList<>();

        void add(String name) {
            spares.add(name);
            promote();
        }

        boolean wanted() {
            return inUse.size() + spares.size() < IN_USE;
        }

        Optional<String> take(Random random) {
            if (inUse.isEmpty()) {
                return Optional.empty();
            }
            List<String> names = new ArrayList<>(inUse.keySet());
            String name = names.get(random.nextInt(names.size()));
            if (inUse.merge(name, 1, Integer::sum) >= SHARE) {
                inUse.remove(name);
                promote();
            }
            return Optional.of(name);
        }

        Optional<String> toRead(Random random) {
            if (!inUse.isEmpty() && (used.size() == inUse.size() || random.nextInt(5) > 0)) {
                List<String> names = new ArrayList<>(inUse.keySet());
                return Optional.of(names.get(random.nextInt(names.size())));
            }
            return used.isEmpty() ? Optional.empty() : Optional.of(used.get(random.nextInt(used.size())));
        }

        private void promote() {
            while (inUse.size() < IN_USE && !spares.isEmpty()) {
                String name = spares.poll();
                inUse.put(name, 0);
                used.add(name);
            }
        }
    }
}
