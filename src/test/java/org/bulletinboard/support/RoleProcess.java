package org.bulletinboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One role of the system as its own JVM ({@code bbs <role> ...} from the test class path), with its output in a
 * log file. {@link #kill} is SIGKILL: no shutdown hook runs, exactly like a crash.
 */
public final class RoleProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final boolean defaultHttp;
    private Process process;

    private RoleProcess(String name, List<String> command, Path log, boolean defaultHttp) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.defaultHttp = defaultHttp;
    }

    public static RoleProcess start(String name, Path logDir, String... args) throws IOException {
        return start(name, logDir, false, args);
    }

    /** Starts a role with the HTTP settings a user gets without asking: what the README's recipes run. */
    public static RoleProcess startAsDocumented(String name, Path logDir, String... args) throws IOException {
        return start(name, logDir, true, args);
    }

    private static RoleProcess start(String name, Path logDir, boolean defaultHttp, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.bulletinboard.cli.Bbs"));
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        RoleProcess role = new RoleProcess(name, command, logDir.resolve(name + ".log"), defaultHttp);
        role.restart();
        return role;
    }

    /** Starts the same command again (after a kill), appending to the same log. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("BBS_HTTP_PORT");
        if (!defaultHttp) {
            // No health endpoint unless a test asks for one with --http-port, and then only on loopback.
            builder.environment().put("BBS_HTTP_PORT", "0");
            builder.environment().put("BBS_HTTP_BIND", "127.0.0.1");
        }
        process = builder.start();
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (the role closes cleanly in its shutdown hook); returns whether it exited in time. */
    public boolean terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor(20, TimeUnit.SECONDS);
    }

    /** The exit code, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How many lines of the log so far contain {@code text}. */
    public long logLinesWith(String text) {
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
