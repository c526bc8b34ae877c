package org.bulletinboard.broker;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids the broker gives client requests: a prefix drawn at every start and a count, so no two brokers (nor one
 * restarted) give the same id. A server takes one as the request's {@code request_id} where the client sent none:
 * a course client's write that the broker hands to a second server, because the first was lost while holding it,
 * is then applied once.
 */
final class RequestIds {
    private final String prefix = "b" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36) + ".";
    private long count;

    String next() {
        return prefix + Long.toString(++count, 36);
    }
}
