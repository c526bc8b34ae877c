package org.bulletinboard.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Operations completed in a window, and the longest a process went without an answer within it. */
class AvailabilityTest {
    private static final String CHANNEL = "lobby";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("steady answers",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 10)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "b").at(10, 20)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "c").at(20, 30),
                        0, 30, new Availability(2, 0, 0, 10, "c1")),
                Arguments.of("counts only what completed in the window, outages clipped to it",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 5)
                                .fail("c1", Fn.PUBLISH, CHANNEL, "b", "refused").at(5, 50)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "c").at(50, 120),
                        20, 100, new Availability(0, 1, 0, 50, "c1")),
                Arguments.of("a timeout is no answer",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 10)
                                .info("c1", Fn.PUBLISH, CHANNEL, "b").at(10, 50)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "c").at(50, 90),
                        0, 100, new Availability(2, 0, 1, 80, "c1")),
                Arguments.of("a process stuck to the end of the window",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 30)
                                .info("c1", Fn.PUBLISH, CHANNEL, "b").at(30, 60)
                                .info("c1", Fn.PUBLISH, CHANNEL, "c").at(60, 150)
                                .ok("c2", Fn.PUBLISH, CHANNEL, "d").at(0, 50),
                        0, 100, new Availability(2, 0, 1, 70, "c1")),
                Arguments.of("no answer in the whole window",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 5)
                                .info("c1", Fn.PUBLISH, CHANNEL, "b").at(5, 200),
                        10, 100, new Availability(0, 0, 0, 90, "c1")),
                Arguments.of("a process done before the window, or started after it, waits for nothing",
                        Ops.history().ok("c1", Fn.PUBLISH, CHANNEL, "a").at(0, 5)
                                .ok("c2", Fn.PUBLISH, CHANNEL, "b").at(150, 160),
                        10, 100, new Availability(0, 0, 0, 0, null)),
                Arguments.of("the longest of all processes, the first by name on a tie",
                        Ops.history().ok("c2", Fn.PUBLISH, CHANNEL, "a").at(0, 40)
                                .ok("c2", Fn.PUBLISH, CHANNEL, "b").at(40, 100)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "c").at(0, 80)
                                .ok("c1", Fn.PUBLISH, CHANNEL, "d").at(80, 100)
                                .ok("c3", Fn.PUBLISH, CHANNEL, "e").at(0, 20)
                                .ok("c3", Fn.PUBLISH, CHANNEL, "f").at(20, 100),
                        0, 101, new Availability(6, 0, 0, 80, "c1")),
                Arguments.of("no operations", Ops.history(), 0, 100, new Availability(0, 0, 0, 0, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void measuresAvailability(String name, Ops ops, long from, long to, Availability expected) {
        assertEquals(expected, Availability.of(ops.list(), from, to));
    }
}
