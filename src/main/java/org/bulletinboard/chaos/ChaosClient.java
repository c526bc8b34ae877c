package org.bulletinboard.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bulletinboard.chaos.check.Fn;
import org.bulletinboard.chaos.check.Outcome;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * One of the checker's clients: logs users in, creates channels, publishes, sends private messages and reads
 * histories and inboxes through the broker, every write with a value of its own, and records each operation in
 * the history. A course client sends no {@code request_id} and tries once; a retrying client sends one and tries
 * again with it, on a fresh connection, as {@code bbs client} does. One thread.
 */
final class ChaosClient implements Runnable {
    /** How long one try waits for an answer. */
    static final Duration TRY_TIMEOUT = Duration.ofMillis(2500);
    /** Tries of a retrying client. */
    static final int RETRIES = 3;

    private final String process;
    private final boolean retries;
    private final Random random;
    private final ZContext context;
    private final String broker;
    private final History history;
    private final Workload workload;
    private final ClientGate gate;
    private final long paceMillis;
    private final Stamper stamper = Stamper.systemClock();
    private int counter;

    ChaosClient(String process, boolean retries, long seed, ZContext context, String broker, History history,
                Workload workload, ClientGate gate, long paceMillis) {
        this.process = process;
        this.retries = retries;
        this.random = new Random(seed);
        this.context = context;
        this.broker = broker;
        this.history = history;
        this.workload = workload;
        this.gate = gate;
        this.paceMillis = paceMillis;
    }

    @Override
    public void run() {
        try (LazyPirateClient transport = new LazyPirateClient(context, broker, TRY_TIMEOUT, retries ? RETRIES : 1,
                gate::stopping)) {
            while (gate.enter()) {
                try {
                    step(transport);
                } finally {
                    gate.leave();
                }
                gate.pace(paceMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void step(LazyPirateClient transport) {
        int roll = random.nextInt(100);
        if (workload.wantsChannel() && roll < 50) {
            createChannel(transport);
            return;
        }
        if (workload.wantsInbox() && roll < 50) {
            login(transport);
            return;
        }
        if (roll < 4) {
            login(transport);
        } else if (roll < 8) {
            createChannel(transport);
        } else if (roll < 52) {
            Optional<String> channel = workload.channelToPost(random);
            if (channel.isPresent()) {
                write(transport, Fn.PUBLISH, channel.get(), fresh("p"), Map.of("user", process, "channel", channel.get()));
            }
        } else if (roll < 72) {
            Optional<String> user = workload.inboxToWrite(random);
            if (user.isPresent()) {
                write(transport, Fn.MESSAGE, user.get(), fresh("m"), Map.of("src", process, "dst", user.get()));
            }
        } else if (roll < 88) {
            workload.channelToRead(random).ifPresent(channel -> read(transport, Fn.HISTORY, "channel", channel));
        } else {
            workload.inboxToRead(random).ifPresent(user -> read(transport, Fn.INBOX, "user", user));
        }
    }

    private void login(LazyPirateClient transport) {
        String user = fresh("u");
        if (write(transport, Fn.LOGIN, null, user, Map.of("user", user))) {
            workload.userLoggedIn(user);
        }
    }

    private void createChannel(LazyPirateClient transport) {
        String channel = fresh("ch");
        if (write(transport, Fn.CHANNEL, null, channel, Map.of("channel", channel))) {
            workload.channelCreated(channel);
        }
    }

    /** A value no other operation of the run writes. */
    private String fresh(String kind) {
        return kind + "." + process + "." + ++counter;
    }

    /** Sends a write whose value goes in the field its service names; returns whether it was acknowledged. */
    private boolean write(LazyPirateClient transport, Fn f, String key, String value, Map<String, Object> fields) {
        Map<String, Object> data = new LinkedHashMap<>(fields);
        data.put(switch (f) {
            case LOGIN -> "user";
            case CHANNEL -> "channel";
            default -> "message";
        }, value);
        String requestId = retries ? process + "/" + counter : null;
        if (requestId != null) {
            data.put(Fields.REQUEST_ID, requestId);
        }
        return call(transport, history.invoke(process, f, key, value, requestId), data) == Outcome.OK;
    }

    private void read(LazyPirateClient transport, Fn f, String keyField, String key) {
        call(transport, history.invoke(process, f, key, null, null),
                Map.of(keyField, key, "limit", Fields.MAX_HISTORY_LIMIT));
    }

    /** Sends a request, and a retrying client sends a write again, with its id, while its outcome is unknown. */
    private Outcome call(LazyPirateClient transport, History.Invocation invocation, Map<String, Object> data) {
        Envelope reply;
        try {
            int sent = 0;
            do {
                reply = Envelope.decode(transport.request(stamper.envelope(invocation.f().service(), data).encode()));
                stamper.observe(reply);
            } while (retries && ++sent < RETRIES && Replies.isOutcomeUnknown(reply.data()));
        } catch (RequestTimeoutException e) {
            history.complete(invocation, Outcome.INFO, e.getMessage(), List.of(), false);
            return Outcome.INFO;
        } catch (ProtocolException e) {
            history.complete(invocation, Outcome.INFO, "unreadable reply: " + e.getMessage(), List.of(), false);
            return Outcome.INFO;
        }
        Outcome outcome = ReplyOutcome.of(reply.data());
        if (outcome != Outcome.OK) {
            history.complete(invocation, outcome, Replies.errorText(reply.data()), List.of(), false);
        } else if (invocation.f().isWrite()) {
            history.complete(invocation, outcome, null, List.of(), false);
        } else {
            history.complete(invocation, outcome, null, texts(reply.data()), !reply.data().containsKey("next"));
        }
        return outcome;
    }

    private static List<String> texts(Map<String, Object> reply) {
        List<String> texts = new ArrayList<>();
        if (reply.get("messages") instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map && map.get("message") instanceof String text) {
                    texts.add(text);
                }
            }
        }
        return texts;
    }
}
