package org.bulletinboard.chaos.check;

import java.util.List;

/** How many operations of a history ended each way. */
public record Counts(int ok, int fail, int info) {

    public static Counts of(List<Op> ops) {
        int ok = 0;
        int fail = 0;
        int info = 0;
        for (Op op : ops) {
            switch (op.outcome()) {
                case OK -> ok++;
                case FAIL -> fail++;
                case INFO -> info++;
            }
        }
        return new Counts(ok, fail, info);
    }
}
