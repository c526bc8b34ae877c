package org.bulletinboard.server;

import org.bulletinboard.protocol.Envelope;

/** A message for subscribers: the topic (a channel or a user name) and the payload sent under it. */
record Publication(String topic, Envelope payload) {}
