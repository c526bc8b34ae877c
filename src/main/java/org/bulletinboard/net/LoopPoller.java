package org.bulletinboard.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * Waits for input on a loop's ZeroMQ sockets (and on plain channels, such as the loop's wake-up pipe), like
 * {@link ZMQ.Poller} but with the sockets registered once: JeroMQ's poll builds a map of the selector's keys,
 * re-registers every item and selects twice on every call, which was a fifth of what a busy server allocated. A
 * socket's descriptor only signals that commands arrived, so readiness is asked of each socket
 * ({@link ZMQ.Socket#getEvents}, no system call) before blocking and after waking. One thread.
 */
public final class LoopPoller implements AutoCloseable {
    private final Selector selector;
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private boolean[] readable = new boolean[0];
    private final List<SelectionKey> channels = new ArrayList<>();
    private boolean[] selected = new boolean[0];

    public LoopPoller() {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    /** Polls {@code socket} for input from now on; returns its index for {@link #pollin}. */
    public int register(ZMQ.Socket socket) {
        add(socket.getFD());
        sockets.add(socket);
        readable = new boolean[sockets.size()];
        return sockets.size() - 1;
    }

    /**
     * Wakes {@link #poll} when {@code channel} (non-blocking) becomes readable; the caller reads it. Returns its
     * index for {@link #channelReadable}.
     */
    public int register(SelectableChannel channel) {
        channels.add(add(channel));
        selected = new boolean[channels.size()];
        return channels.size() - 1;
    }

    private SelectionKey add(SelectableChannel channel) {
        try {
            return channel.register(selector, SelectionKey.OP_READ);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("cannot poll a closed channel", e);
        }
    }

    /**
     * Returns at once if a socket has input; otherwise waits up to {@code timeoutMillis} for a signal on any
     * descriptor. Returns how many sockets have input (0 after a timeout, a wake-up or a signal that brought only
     * commands).
     */
    public int poll(long timeoutMillis) {
        Arrays.fill(selected, false);
        int ready = check();
        if (ready > 0) {
            return ready;
        }
        try {
            selector.select(Math.max(1, timeoutMillis));
        } catch (IOException e) {
            throw new UncheckedIOException("select failed", e);
        }
        for (int i = 0; i < channels.size(); i++) {
            selected[i] = selector.selectedKeys().contains(channels.get(i));
        }
        selector.selectedKeys().clear();
        // JeroMQ's signals are counted before their byte is written (src/main/java/zmq/Signaler.java), so a socket
        // whose descriptor woke this select takes its signal here and is not reported readable again.
        return check();
    }

    /**
     * Whether the channel registered at {@code index} was found readable by the last {@link #poll}. False when that
     * poll returned without waiting (a socket had input): a channel still readable is reported by a later one.
     */
    public boolean channelReadable(int index) {
        return selected[index];
    }

    /** Whether the socket registered at {@code index} had input at the last {@link #poll}. */
    public boolean pollin(int index) {
        return readable[index];
    }

    private int check() {
        int ready = 0;
        for (int i = 0; i < sockets.size(); i++) {
            readable[i] = (sockets.get(i).getEvents() & ZMQ.Poller.POLLIN) != 0;
            if (readable[i]) {
                ready++;
            }
        }
        return ready;
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
