package org.bulletinboard.broker;

import org.zeromq.ZMsg;

/**
 * A client request inside the broker: the message (routing envelope and request frame), when it arrived, and how
 * many workers were lost while holding it. Both travel with it through every requeue, so a request expires at
 * its first deadline however often it is handed on, and one that keeps taking workers down is recognised.
 */
record ClientRequest(ZMsg message, long arrivedNanos, int lostWorkers) {

    /** The same request, after one more worker was lost while holding it. */
    ClientRequest lostOneWorker() {
        return new ClientRequest(message, arrivedNanos, lostWorkers + 1);
    }
}
