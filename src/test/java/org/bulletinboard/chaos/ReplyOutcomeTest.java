package org.bulletinboard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.bulletinboard.chaos.check.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A refusal is a failure only where it says the request was not applied; where it may have been, it is unknown. */
class ReplyOutcomeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "channel 'lobby' does not exist | FAIL",
            "user 'ghost' does not exist | FAIL",
            "channel 'lobby' already exists | FAIL",
            "field 'message' is longer than 4096 characters | FAIL",
            "no server took this request within 10 s; try again | FAIL",
            "the cluster is overloaded (100000 requests waiting); try again later | FAIL",
            "the outcome is unknown: not enough servers confirmed this write within 500 ms; it may still be applied | INFO",
            "the outcome is unknown: its server was lost while holding it | INFO",
            "internal server error: UncheckedIOException | INFO"})
    void anErroIsAFailureUnlessItSaysTheOutcomeIsUnknown(String description, Outcome expected) {
        assertEquals(expected, ReplyOutcome.of(Map.of("status", "erro", "description", description)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OK", "sucesso"})
    void anythingButErroIsDone(String status) {
        assertEquals(Outcome.OK, ReplyOutcome.of(Map.of("status", status)));
    }
}
