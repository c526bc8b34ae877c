package org.bulletinboard.server.store;

import java.util.List;

/**
 * One answer to a peer catching up: events it may lack; whether more follow; and, when they were read from the
 * log on disk rather than from the recent events in memory, the log position to continue from (else null).
 */
public record CatchUpPage(List<Event> events, boolean more, Long cursor) {}
