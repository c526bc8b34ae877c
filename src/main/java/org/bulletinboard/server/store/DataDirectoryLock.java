package org.bulletinboard.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * One process per data directory: an exclusive lock on {@code DIR/lock}, taken before anything in the directory
 * is read and held until the store closes. Seen on a real cluster: after a forced pod deletion the old process
 * went on acknowledging writes for seconds while its replacement recovered the same directory, and the two reused
 * each other's event ids. The operating system drops the lock when its holder dies, however it dies.
 */
public final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "lock";
    private static final long RETRY_MILLIS = 250;

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting while another process holds it; {@code onWait} is told once that it waits.
     *
     * @return the lock, or null if {@code stopping} became true while waiting
     */
    public static DataDirectoryLock acquire(Path dir, BooleanSupplier stopping, Runnable onWait) throws IOException {
        FileChannel channel = open(dir);
        FileLock lock;
        boolean told = false;
        while ((lock = tryLock(channel)) == null) {
            if (stopping.getAsBoolean() || !pause()) {
                channel.close();
                return null;
            }
            if (!told) {
                onWait.run();
                told = true;
            }
        }
        return new DataDirectoryLock(channel, lock);
    }

    /**
     * Takes the lock if it is free.
     *
     * @throws IOException if another process (or another store in this one) holds it
     */
    public static DataDirectoryLock take(Path dir) throws IOException {
        FileChannel channel = open(dir);
        FileLock lock = tryLock(channel);
        if (lock == null) {
            channel.close();
            throw new IOException(dir + " is in use by another process (it holds " + dir.resolve(FILE) + ")");
        }
        return new DataDirectoryLock(channel, lock);
    }

    private static FileChannel open(Path dir) throws IOException {
        Files.createDirectories(dir);
        return FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Waits before trying again (a lock held elsewhere gives no signal when it is let go); false if interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
