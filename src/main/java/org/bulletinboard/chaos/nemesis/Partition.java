package org.bulletinboard.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulletinboard.chaos.cluster.ChaosCluster;
import org.bulletinboard.chaos.cluster.LinkRelay;

/** A set of directed links to cut together, and heal together. */
final class Partition {
    private final List<LinkRelay> links;

    private Partition(List<LinkRelay> links) {
        this.links = List.copyOf(links);
    }

    /** Every link between a server of {@code one} and a server of {@code other}, both ways. */
    static Partition between(ChaosCluster cluster, List<String> one, List<String> other) {
        List<LinkRelay> links = new ArrayList<>();
        for (String a : one) {
            for (String b : other) {
                links.add(cluster.link(a, b));
                links.add(cluster.link(b, a));
            }
        }
        return new Partition(links);
    }

    /** The links each of {@code servers} opens to each of {@code roles}. */
    static Partition links(ChaosCluster cluster, List<String> servers, List<String> roles) {
        List<LinkRelay> links = new ArrayList<>();
        for (String server : servers) {
            for (String role : roles) {
                links.add(cluster.link(server, role));
            }
        }
        return new Partition(links);
    }

    Partition and(Partition more) {
        List<LinkRelay> all = new ArrayList<>(links);
        all.addAll(more.links);
        return new Partition(all);
    }

    /** Cuts the links now; the fault heals them. */
    Fault cut(String description) {
        links.forEach(LinkRelay::cut);
        return Fault.of(description, Optional.empty(), () -> links.forEach(LinkRelay::heal));
    }
}
