package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * One client operation, from its invocation to its completion.
 *
 * @param index          its place in the history, in invocation order
 * @param process        the client that ran it; a client runs one operation at a time
 * @param key            the channel a post goes to or a history read reads, the user a private message goes to or
 *                       an inbox read reads; null for login and channel
 * @param value          a write's unique value: the user (login), the channel (channel) or the text (publish,
 *                       message); null for a read
 * @param requestId      the {@code request_id} the write carried on every try, or null (a course client sends none)
 * @param completedNanos when the answer came, or when the client gave up ({@code INFO})
 * @param error          the refusal's description ({@code FAIL}, {@code INFO}), else null
 * @param read           an ok read's values, oldest first, as returned; empty otherwise
 * @param complete       whether an ok read returned the key's whole history (the reply left nothing older out)
 */
public record Op(int index, String process, Fn f, String key, String value, String requestId, long invokedNanos,
                 long completedNanos, Outcome outcome, String error, List<String> read, boolean complete) {

    public Op {
        read = List.copyOf(read);
    }

    public boolean isOkWrite() {
        return f.isWrite() && outcome == Outcome.OK;
    }

    public boolean isOkRead() {
        return !f.isWrite() && outcome == Outcome.OK;
    }
}
