package org.bulletinboard.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * What the container and cluster tests need before they start: a container engine that answers (Docker, or podman
 * with its Docker API) and the image Jib built for them. Where either is missing they are skipped with one line
 * saying why, unless BBS_REQUIRE_CONTAINERS is set (CI sets it): then it is a failure, so CI never passes by
 * skipping them.
 */
final class ContainerEngine {
    private ContainerEngine() {}

    /** The image archive Jib built (target/jib-image.tar), once the engine is known to answer. */
    static Path requireEngineAndImage() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            skip("no container engine reachable (DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + "); the container and cluster tests need Docker, or podman with its Docker API");
        }
        Path image = Path.of(System.getProperty("bbs.image.tar", "target/jib-image.tar"));
        if (!Files.isRegularFile(image)) {
            skip("no image archive at " + image + "; mvn verify builds it where /var/run/docker.sock exists");
        }
        return image;
    }

    /** The image's name as Jib tagged it, e.g. bulletinboard:0.1.0-SNAPSHOT. */
    static String imageName() {
        return System.getProperty("bbs.image", "bulletinboard:latest");
    }

    /** Skips the test with one line saying why, or fails it under BBS_REQUIRE_CONTAINERS; never returns. */
    static <T> T skip(String why) {
        if (System.getenv("BBS_REQUIRE_CONTAINERS") != null) {
            return fail("BBS_REQUIRE_CONTAINERS is set, but " + why);
        }
        System.out.println("SKIPPED container tests: " + why);
        return Assumptions.abort(why);
    }
}
