package org.bulletinboard.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One role of the cluster as a JVM of its own ({@code bbs <role> ...} on this JVM's class path), under the fault
 * checker's control: started, SIGKILLed (no shutdown hook runs, as in a crash), paused and resumed with
 * SIGSTOP/SIGCONT, stopped with SIGTERM, started again with the same arguments. Its output goes to one log file
 * across restarts. Thread-safe.
 */
public final class RoleJvm {
    private static final long STOP_WAIT_SECONDS = 10;

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment = new HashMap<>();
    private final Path log;
    private Process process;
    private boolean paused;
    private int starts;

    public RoleJvm(String name, List<String> jvmOptions, List<String> args, Path logDir) {
        this.name = name;
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(jvmOptions);
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.bulletinboard.cli.Bbs"));
        line.addAll(args);
        this.command = List.copyOf(line);
        this.log = logDir.resolve(name + ".log");
        // No health endpoint: several roles share this host, and the checker asks the roles themselves.
        environment.put("BBS_HTTP_PORT", "0");
    }

    public String name() {
        return name;
    }

    /** Sets (or with null, removes) a variable of this role's environment from its next start on. */
    public synchronized void setEnvironment(String variable, String value) {
        if (value == null) {
            environment.remove(variable);
        } else {
            environment.put(variable, value);
        }
    }

    /** Starts the role, unless it runs already; appends to its log. */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        paused = false;
        starts++;
    }

    /** SIGKILL, as a crash: returns once the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(process);
        paused = false;
    }

    /** SIGTERM, a clean stop (resumed first if paused); SIGKILL if it has not stopped within 10 s. */
    public synchronized void stop() {
        if (!isAlive()) {
            return;
        }
        resume();
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** SIGSTOP: every thread of the role stops where it is, its sockets stay open. */
    public synchronized void pause() {
        if (isAlive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    /** SIGCONT, after {@link #pause}. */
    public synchronized void resume() {
        if (isAlive() && paused) {
            signal("CONT");
        }
        paused = false;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused && isAlive();
    }

    /** How many times it was started. */
    public synchronized int starts() {
        return starts;
    }

    /** The exit code of its last run, or null while it runs or if it never ran. */
    public synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** The last line of its log that says something, for reports on a role that would not run. */
    public String lastLogLine() {
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> !line.isBlank()).reduce((first, second) -> second).orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            boolean sent = kill.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS) && kill.exitValue() == 0;
            if (!sent && process.isAlive()) { // a process that died meanwhile needs no signal
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not send SIG" + signal + " to " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    private static void awaitExit(Process process) {
        try {
            process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
