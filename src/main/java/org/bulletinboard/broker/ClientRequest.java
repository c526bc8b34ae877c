package org.bulletinboard.broker;

import org.zeromq.ZMsg;

/**
 * A client request inside the broker: the message (routing envelope and request frame), when it arrived, how many
 * workers were lost while holding it, and the id the broker gave it. All travel with it through every requeue, so
 * a request expires at its first deadline however often it is handed on, one that keeps taking workers down is
 * recognised, and a server that gets it a second time knows it (the id serves as the request's {@code request_id}
 * where the client sent none).
 */
record ClientRequest(ZMsg message, long arrivedNanos, int lostWorkers, String id) {

    /** The same request, after one more worker was lost while holding it. */
    ClientRequest lostOneWorker() {
        return new ClientRequest(message, arrivedNanos, lostWorkers + 1, id);
    }
}
