package org.bulletinboard.chaos.nemesis;

import java.time.Duration;
import java.util.Optional;

/** A fault under way: what it did to which roles or links, how long it wants to last, and how to undo it. */
public interface Fault {
    String description();

    /** How long the fault lasts before it is healed, where it has a measure of its own; else the run's hold. */
    Optional<Duration> hold();

    /** Undoes what the fault did (a role it killed starts again, a link it cut heals). */
    void heal() throws Exception;

    /** A fault that needs nothing undone, or undoes itself. */
    static Fault done(String description) {
        return of(description, Optional.empty(), () -> { });
    }

    static Fault of(String description, Optional<Duration> hold, Healing healing) {
        return new Fault() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Optional<Duration> hold() {
                return hold;
            }

            @Override
            public void heal() throws Exception {
                healing.heal();
            }
        };
    }

    /** The undoing of a fault. */
    @FunctionalInterface
    interface Healing {
        void heal() throws Exception;
    }
}
