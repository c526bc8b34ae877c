package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * Whether every server ended with the same events and every board shows the same.
 *
 * @param differences what differs, one line each, at most about twenty
 */
public record Convergence(boolean converged, List<String> differences) {

    public Convergence {
        differences = List.copyOf(differences);
    }
}
