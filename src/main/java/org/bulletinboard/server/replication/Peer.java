package org.bulletinboard.server.replication;

/** Another live server as the reference server lists it: name, rank, and the address of its peer socket. */
public record Peer(String name, int rank, String address) {}
