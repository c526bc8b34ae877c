package org.bulletinboard.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class ServerRegistryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ServerRegistry registry() {
        return new ServerRegistry(TIMEOUT, now::get);
    }

    @Test
    void aRestartedRegistryGivesEachServerTheRankItClaimsWhateverOrderTheyComeBackIn() throws ProtocolException {
        ServerRegistry first = registry();
        assertEquals(1, first.touch("server-0", null, 1));
        assertEquals(2, first.touch("server-1", null, 2));
        assertEquals(3, first.touch("server-2", null, 3));

        ServerRegistry restarted = registry();
        assertEquals(3, restarted.touch("server-2", null, 3));
        assertEquals(1, restarted.touch("server-0", null, 1));
        assertEquals(2, restarted.touch("server-1", null, 2));
        assertEquals(4, restarted.touch("unclaimed", null, 0), "an unclaimed name ranks above every claim");
        assertEquals(List.of(1, 2, 3, 4), restarted.live().stream().map(ServerRegistry.LiveServer::rank).toList());
    }

    @Test
    void aClaimOnARankALiveServerHoldsIsRefusedAndTwoServersNeverShareOne() throws ProtocolException {
        ServerRegistry registry = registry();
        assertEquals(1, registry.touch("foreign", null, 0));
        assertEquals(2, registry.touch("ours", null, 1), "rank 1 is live elsewhere");
        assertEquals(1, registry.touch("foreign", null, 0), "the holder keeps it");
    }

    @Test
    void aSilentHolderYieldsAClaimedRankAndMovesToANewOne() throws ProtocolException {
        ServerRegistry registry = registry();
        assertEquals(1, registry.touch("foreign", null, 0));
        now.addAndGet(TIMEOUT.toNanos() + 1);
        assertEquals(1, registry.touch("ours", null, 1));
        assertEquals(2, registry.touch("foreign", null, 0), "back, it has a rank no one else holds");
    }

    @Test
    void aServerWhoseConfigurationChangedTakesItsNewClaim() throws ProtocolException {
        ServerRegistry registry = registry();
        assertEquals(1, registry.touch("server-a", null, 1));
        assertEquals(5, registry.touch("server-a", null, 5));
        assertEquals(6, registry.touch("server-b", null, 0));
        assertEquals(1, registry.touch("server-c", null, 1), "the rank it left is free");
    }
}
