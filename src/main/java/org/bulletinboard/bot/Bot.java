package org.bulletinboard.bot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * An automatic client, as in the course text: logs in under a random name, then round after round picks a
 * random existing channel (creating one if there is none) and posts {@code messagesPerRound} messages to it;
 * now and then it also lists users and channels and sends a private message to a random user.
 */
public final class Bot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    private static final double SOCIAL_CHANCE = 0.3;

    /** @param rounds rounds to run before stopping by itself; 0 runs until closed */
    public record Config(String brokerEndpoint, String user, Duration interval, int messagesPerRound, long rounds) {}

    private final Config config;
    private final String user;
    private final ZContext context = Sockets.roleContext();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final RoleLoop loop;

    private Bot(Config config, MeterRegistry metrics) {
        this.config = config;
        this.user = config.user() != null ? config.user() : randomName();
        FunctionCounter.builder("bbs.bot.requests", acknowledged, AtomicLong::get).tag("outcome", "ok")
                .description("requests the bot sent").register(metrics);
        FunctionCounter.builder("bbs.bot.requests", failed, AtomicLong::get).tag("outcome", "failed")
                .description("requests the bot sent").register(metrics);
        // A pass is a message: the pause, then a request with all its retries.
        Duration stuckAfter = RoleLoop.DEFAULT_STUCK_AFTER.plus(config.interval())
                .plus(BoardClient.DEFAULT_TIMEOUT.multipliedBy(BoardClient.DEFAULT_ATTEMPTS * 2L));
        this.loop = RoleLoop.start("bot", user, "load", stuckAfter, this::run);
    }

    public static Bot start(Config config, MeterRegistry metrics) {
        return new Bot(config, metrics);
    }

    public static String randomName() {
        return "bot-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    }

    private void run(RoleLoop loop) {
        try (BoardClient client = new BoardClient(context, config.brokerEndpoint(), Stamper.systemClock(),
                BoardClient.DEFAULT_TIMEOUT, BoardClient.DEFAULT_ATTEMPTS, this::stopped)) {
            boolean loggedIn = false;
            long round = 0;
            while (loop.running() && !stopped() && (config.rounds() == 0 || round < config.rounds())) {
                try {
                    if (!loggedIn) {
                        loggedIn = count(client.login(user));
                        if (loggedIn) {
                            log.info("bot {} logged in", user);
                        } else {
                            pause();
                        }
                        continue;
                    }
                    playRound(client);
                    round++;
                } catch (RequestTimeoutException e) {
                    if (!stopped()) {
                        // A cluster that is restarting or down: keep trying, as a person would.
                        log.warn("bot {}: the cluster did not answer ({}); trying again", user, e.getMessage());
                        pause();
                    }
                }
            }
        }
        log.info("bot {} finished: {} requests acknowledged, {} refused", user, acknowledged.get(), failed.get());
    }

    private void playRound(BoardClient client) throws RequestTimeoutException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> channels = client.channels().strings("channels");
        String channel;
        if (channels.isEmpty()) {
            channel = "channel-" + random.nextInt(1000);
            count(client.createChannel(channel));
        } else {
            channel = channels.get(random.nextInt(channels.size()));
        }
        for (int i = 1; i <= config.messagesPerRound() && !stopped(); i++) {
            count(client.publish(user, channel, "message " + i + " from " + user));
            pause();
        }
        if (random.nextDouble() < SOCIAL_CHANCE) {
            List<String> users = client.users().strings("users");
            String other = users.isEmpty() ? user : users.get(random.nextInt(users.size()));
            count(client.message(user, other, "hello " + other + ", this is " + user));
        }
    }

    private boolean count(Reply reply) {
        if (reply.ok()) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            log.warn("bot {}: {} refused: {}", user, reply.service(), reply.error());
        }
        return reply.ok();
    }

    private void pause() {
        try {
            stop.await(config.interval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
    }

    private boolean stopped() {
        return stop.getCount() == 0;
    }

    public String user() {
        return user;
    }

    /** Requests the cluster acknowledged. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Waits for a bot with a finite number of rounds to play them all. */
    public void awaitFinished() throws InterruptedException {
        loop.awaitEnd();
    }

    @Override
    public void close() {
        stop.countDown();
        loop.close();
        context.close();
    }
}
