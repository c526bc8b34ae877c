package org.bulletinboard.server.store;

import java.util.List;

/**
 * One answer to a peer catching up: events it may lack, in (origin, seq) order; whether more follow; and, when
 * it lacks events this server has already folded into its snapshot, the folded state (else null).
 */
public record CatchUpPage(List<Event> events, boolean more, FoldedState folded) {}
