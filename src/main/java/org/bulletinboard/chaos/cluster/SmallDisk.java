package org.bulletinboard.chaos.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own (a tmpfs) mounted on one server's data directory, so the checker can fill it up
 * and free it again without touching the machine's disk. Mounting needs root (or CAP_SYS_ADMIN); where that is
 * refused, {@link #mount} says why and the disk nemesis is skipped.
 */
public final class SmallDisk implements AutoCloseable {
    private static final String FILLER = "chaos-filler";
    /** The name the mounts show, so leftovers of an earlier run are recognised. */
    private static final String DEVICE = "chaos-disk";

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code directory}; the reason if that cannot be done here. */
    public static Mounted mount(Path directory, int megabytes) throws IOException {
        Files.createDirectories(directory);
        Optional<String> refused = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755",
                DEVICE, directory.toString()));
        return refused.isPresent() ? new Mounted(null, "cannot mount a small file system for the disk nemesis ("
                + refused.get() + "); it needs root") : new Mounted(new SmallDisk(directory), null);
    }

    /**
     * Unmounts what an earlier run left mounted under {@code root} (a run that was killed has no chance to), so its
     * directory can be deleted and reused.
     */
    public static void releaseLeftovers(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        List<String> mounts;
        try {
            mounts = Files.readAllLines(Path.of("/proc/self/mounts"));
        } catch (IOException noProc) {
            return; // not Linux: nothing of ours can be mounted
        }
        for (String line : mounts) {
            String[] fields = line.split(" ");
            if (fields.length > 1 && fields[0].equals(DEVICE) && Path.of(fields[1]).startsWith(absolute)) {
                run(List.of("umount", "-l", fields[1]));
            }
        }
    }

    /** A mounted disk, or why there is none. */
    public record Mounted(SmallDisk disk, String refusal) {}

    public Path path() {
        return mountPoint;
    }

    /** Writes a filler file until the file system has no byte left. */
    public void fill() throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve(FILLER))) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!full.getMessage().contains("No space left")) {
                throw full;
            }
        }
    }

    /** Removes the filler: the space is free again. */
    public void free() throws IOException {
        Files.deleteIfExists(mountPoint.resolve(FILLER));
    }

    /** Unmounts it (lazily: a server killed a moment ago may still hold it open). */
    @Override
    public void close() throws IOException {
        run(List.of("umount", "-l", mountPoint.toString())).ifPresent(refusal -> {
            throw new IllegalStateException("could not unmount " + mountPoint + ": " + refusal);
        });
    }

    /** Runs a command; empty if it succeeded, else its output. */
    private static Optional<String> run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of(String.join(" ", command) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.exitValue() == 0 ? Optional.empty() : Optional.of(output.isEmpty()
                ? String.join(" ", command) + " exited with " + process.exitValue() : output);
    }
}
