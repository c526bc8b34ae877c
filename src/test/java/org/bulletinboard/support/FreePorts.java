package org.bulletinboard.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a block of consecutive free TCP ports on loopback, for a cluster laid out from a base port. The ports
 * are taken below Linux's ephemeral range (32768 and up), where outgoing connections pick their local ports,
 * so a port found free is not taken by a client's connection before the role binds it.
 */
public final class FreePorts {
    private FreePorts() {}

    public static int block(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + count + " free loopback ports found");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException inUse) {
                return false;
            }
        }
        return true;
    }
}
