package dev.cellscope.live.ring;

import dev.cellscope.io.InterfaceDescription;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.io.SectionInfo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * pcapng ring files, like {@code dumpcap -b}: packets go to a file in {@link RingConfig#directory()}
 * until its size, duration or packet limit is reached, then the next file starts; only the last N
 * files are kept. See live-capture/README.md, "Ring files".
 *
 * <p><b>Every file stands alone.</b> Each starts with a Section Header Block and the same Interface
 * Description Blocks (name, description, capture filter, OS), and each file closed normally ends
 * with one Interface Statistics Block per interface carrying the {@link CaptureCounters} the caller
 * supplies at that moment (since capture start, as dumpcap writes them), so a file says what the
 * capture missed up to its end.
 *
 * <p><b>Crash safety.</b> Files get their final name at once (as dumpcap's do; there is no
 * {@code .part} file to rename): the file being written is always readable up to its last whole
 * block, because {@link PcapngWriter} hands only whole blocks to the OS, and they are flushed every
 * {@link RingConfig#flushPackets()} packets or {@link RingConfig#flushInterval()}, whichever comes
 * first. After {@code kill -9} it lacks at most that last interval and has no statistics block.
 * (Should the kill land inside a write call, Linux may keep part of it; the next {@code open} on
 * the same directory and prefix cuts such a torn tail off.) A tool that wants only finished files
 * skips the newest one, {@link #currentFile()}.
 *
 * <p><b>Errors never reach the capture.</b> A full disk, a vanished directory or a file removed
 * under us is counted ({@link #stats()}), logged once, and the current file is closed where its
 * whole blocks end; packets are then dropped (counted as {@code packetsDroppedDisk}) and a new file
 * is tried every {@link RingConfig#retryInterval()} — a missing directory is created again, since
 * a probe that runs for weeks should resume by itself. Files already closed are never touched
 * except to delete the oldest beyond N.
 *
 * <p><b>Threads.</b> Meant to be fed from one consumer thread (the capture loop). A timer thread of
 * the writer's own flushes, rotates by duration and retries when no packets come, and
 * {@link #reopen()} (SIGHUP) or {@link #stats()} may be called from any thread: one lock serialises
 * them, uncontended on the packet path.
 */
public final class RingWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RingWriter.class.getName());

    /** Where time comes from: wall time for names and statistics, monotonic time for limits. */
    interface Clock {
        long wallNanos();

        long monotonicNanos();

        Clock SYSTEM = new Clock() {
            @Override
            public long wallNanos() {
                java.time.Instant now = java.time.Instant.now();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public long monotonicNanos() {
                return System.nanoTime();
            }
        };
    }

    private final RingConfig config;
    private final SectionInfo section;
    private final List<InterfaceDescription> interfaces;
    private final CaptureCounters.Source counters;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** The files of the ring, oldest first, the one being written last. */
    private final Deque<Path> files = new ArrayDeque<>();
    private final long captureStartWall;
    private final ScheduledExecutorService timer;

    private PcapngWriter current;
    private Path currentPath;
    /** The device and inode {@link #currentPath} had when opened: a file removed under us (or replaced) has another, or none. */
    private Object currentKey;
    private long index;
    private long fileOpened;
    private long packetsInFile;
    private long lastFlush;
    private long packetsSinceFlush;
    private long nextRetry;
    private boolean failing;
    private boolean closed;

    private long filesClosed;
    private long filesDeleted;
    private long closedBytes;
    private long closedPackets;
    private long packetsDroppedDisk;
    private long writeErrors;
    private String lastError;

    private RingWriter(RingConfig config, SectionInfo section, List<InterfaceDescription> interfaces,
                       CaptureCounters.Source counters, Clock clock, boolean timerThread) {
        this.config = config;
        this.section = section;
        this.interfaces = List.copyOf(interfaces);
        this.counters = counters;
        this.clock = clock;
        this.captureStartWall = clock.wallNanos();
        if (this.interfaces.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one interface");
        }
        if (timerThread) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ring-writer-timer");
                t.setDaemon(true);
                return t;
            });
        } else {
            timer = null;
        }
    }

    /**
     * Starts a ring: adopts the files of the same prefix already in the directory (so N counts
     * across restarts and indexes go on; a torn tail of the newest is cut off), opens the first new
     * file and starts the timer thread. Never throws for I/O: if the first file cannot be opened,
     * that is counted like any later error and {@link #currentFile()} is empty, so a caller that
     * wants to fail fast at start can check it.
     *
     * @param interfaces the interfaces every file declares; packets name them by index
     * @param counters   supplies each interface's counters when a file is closed
     */
    public static RingWriter open(RingConfig config, SectionInfo section, List<InterfaceDescription> interfaces,
                                  CaptureCounters.Source counters) {
        return open(config, section, interfaces, counters, Clock.SYSTEM, true);
    }

    static RingWriter open(RingConfig config, SectionInfo section, List<InterfaceDescription> interfaces,
                           CaptureCounters.Source counters, Clock clock, boolean timerThread) {
        RingWriter ring = new RingWriter(config, section, interfaces, counters, clock, timerThread);
        ring.lock.lock();
        try {
            ring.adoptExisting();
            ring.openFile(clock.monotonicNanos());
        } finally {
            ring.lock.unlock();
        }
        if (ring.timer != null) {
            long period = Math.clamp(config.flushInterval().toMillis() / 4, 10, 250);
            ring.timer.scheduleWithFixedDelay(ring::tickQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        return ring;
    }

    /** Writes a packet read from a source; see {@link #write(int, long, int, MemorySegment)}. */
    public boolean write(Packet packet) {
        return write(packet.interfaceId(), packet.timestampNanos(), packet.originalLength(), packet.data());
    }

    /**
     * Writes one packet to the current file, rotating first when a limit is reached. Never throws
     * for I/O: while the disk is unusable the packet is dropped and counted.
     *
     * @param interfaceId index into the interfaces the ring was opened with
     * @return true if the packet was taken into the current file (a later write error can still
     *         lose it, which is counted), false if it was dropped
     * @throws IllegalArgumentException for an undeclared interface or a packet over 262144 bytes
     *                                  (caller errors: no capture delivers either)
     */
    public boolean write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data) {
        if (interfaceId < 0 || interfaceId >= interfaces.size()) {
            throw new IllegalArgumentException("interface " + interfaceId + " not declared; the ring has "
                    + interfaces.size());
        }
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            long now = clock.monotonicNanos();
            if (current != null && rotationDue(now)) {
                rotate(now);
            }
            if (current == null && (now - nextRetry < 0 || !openFile(now))) {
                packetsDroppedDisk++;
                return false;
            }
            try {
                current.write(interfaceId, timestampNanos, originalLength, data, null);
            } catch (IOException e) {
                fail("writing " + currentPath, e, now, 1);
                return false;
            }
            packetsInFile++;
            packetsSinceFlush++;
            if (packetsSinceFlush >= config.flushPackets() || now - lastFlush >= config.flushInterval().toNanos()) {
                flush(now);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the capture loop (or the timer thread) calls when no packet came: flushes, rotates by
     * duration and retries after an error when due. Cheap when nothing is due.
     */
    public void tick() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long now = clock.monotonicNanos();
            if (current == null) {
                if (now - nextRetry >= 0) {
                    openFile(now);
                }
            } else if (rotationDue(now)) {
                rotate(now);
            } else if (now - lastFlush >= config.flushInterval().toNanos()) {
                flush(now);
            }
        } finally {
            lock.unlock();
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) { // the timer must keep running whatever a supplier throws
            LOG.log(System.Logger.Level.WARNING, "ring timer: " + e, e);
        }
    }

    /** Closes the current file properly and starts a new one (SIGHUP, log rotation); retries at once after an error. */
    public void reopen() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long now = clock.monotonicNanos();
            if (current != null) {
                closeFile(now);
            }
            openFile(now);
        } finally {
            lock.unlock();
        }
    }

    /** The file being written, empty while writing is suspended after an error or once closed. */
    public Optional<Path> currentFile() {
        lock.lock();
        try {
            return Optional.ofNullable(currentPath);
        } finally {
            lock.unlock();
        }
    }

    /** The ring's files, oldest first, the one being written last. */
    public List<Path> files() {
        lock.lock();
        try {
            return List.copyOf(files);
        } finally {
            lock.unlock();
        }
    }

    public RingStats stats() {
        lock.lock();
        try {
            long bytes = closedBytes + (current == null ? 0 : current.committedSize());
            long packets = closedPackets + (current == null ? 0 : current.committedPackets());
            long pending = current == null ? 0 : packetsInFile - current.committedPackets();
            return new RingStats(filesClosed, filesDeleted, bytes, packets, pending, packetsDroppedDisk, writeErrors,
                    lastError, Optional.ofNullable(currentPath));
        } finally {
            lock.unlock();
        }
    }

    /** Closes the current file with its statistics blocks and stops the timer. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (timer != null) {
                timer.shutdownNow();
            }
            if (current != null) {
                closeFile(clock.monotonicNanos());
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean rotationDue(long now) {
        return config.filePackets() > 0 && packetsInFile >= config.filePackets()
                || config.fileBytes() > 0 && packetsInFile > 0 && current.size() >= config.fileBytes()
                || config.fileDuration().isPositive() && now - fileOpened >= config.fileDuration().toNanos();
    }

    /**
     * Closes the current file and opens the next, unless closing failed: then the next file waits for the
     * retry interval like any other after an error (opening it at once would fit its header in the room
     * the cut left and fail again at the next write, a retry at every rotation).
     */
    private void rotate(long now) {
        closeFile(now);
        if (current == null && now - nextRetry >= 0) {
            openFile(now);
        }
    }

    /** Opens the next file: section header and interfaces, flushed at once so a full disk shows here. */
    private boolean openFile(long now) {
        long next = index + 1;
        Path path = config.directory().resolve(RingFileName.format(config.prefix(), next, clock.wallNanos()));
        PcapngWriter writer = null;
        try {
            Files.createDirectories(config.directory());
            writer = new PcapngWriter(path, section, StandardOpenOption.CREATE_NEW);
            for (InterfaceDescription d : interfaces) {
                writer.addInterface(d);
            }
            writer.flush(config.force());
            currentKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            if (writer != null) {
                closeQuietly(writer);
                deleteQuietly(path);
            }
            suspend("opening " + path, e, now);
            return false;
        }
        index = next;
        current = writer;
        currentPath = path;
        fileOpened = now;
        lastFlush = now;
        packetsInFile = 0;
        packetsSinceFlush = 0;
        files.addLast(path);
        keepLast();
        return true;
    }

    /**
     * Ends an error episode once a packet of the current file reached the disk: a file's header alone
     * fits in the room a cut leaves on a full disk, so opening one proves nothing.
     */
    private void recoveredIfWritten() {
        if (failing && current.committedPackets() > 0) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "ring writing again to " + currentPath + " after "
                    + packetsDroppedDisk + " packets dropped in all");
        }
    }

    /** Deletes the oldest files beyond N; the file being written is never one of them. */
    private void keepLast() {
        while (config.files() > 0 && files.size() > config.files()) {
            Path oldest = files.removeFirst();
            try {
                if (Files.deleteIfExists(oldest)) {
                    filesDeleted++;
                }
            } catch (IOException e) {
                error("deleting " + oldest, e);
            }
        }
    }

    /** Hands buffered blocks to the OS, then checks that the file still exists. */
    private void flush(long now) {
        try {
            current.flush(config.force());
        } catch (IOException e) {
            fail("flushing " + currentPath, e, now, 0);
            return;
        }
        lastFlush = now;
        packetsSinceFlush = 0;
        recoveredIfWritten();
        if (vanished()) {
            lost(now);
        }
    }

    /**
     * Whether the file being written is no longer at its path: writing to a file whose directory was removed
     * still succeeds (the inode lives on until closed), so only its path can tell.
     */
    private boolean vanished() {
        try {
            return currentKey != null
                    && !currentKey.equals(Files.readAttributes(currentPath, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return true; // no such file (or directory) any more
        }
    }

    /**
     * The file being written vanished: every packet in it is lost with it, so they count as not written (disk drops),
     * and the next packet or tick opens a new file (making the directory again).
     */
    private void lost(long now) {
        long packets = packetsInFile;
        error("ring file " + currentPath + " vanished (directory removed?); " + packets + " packets in it are lost", null);
        packetsDroppedDisk += packets;
        closeQuietly(current);
        files.remove(currentPath);
        forget(now);
    }

    /**
     * Ends the current file normally: statistics blocks, flush (and fsync), close; unless it vanished meanwhile (at a
     * fast rotation the periodic check may not have seen it yet), which loses its packets.
     */
    private void closeFile(long now) {
        if (vanished()) {
            lost(now);
            return;
        }
        try {
            writeStatistics();
            current.flush(config.force());
        } catch (IOException e) {
            fail("closing " + currentPath, e, now, 0);
            return;
        }
        recoveredIfWritten();
        closeQuietly(current);
        closedBytes += current.committedSize();
        closedPackets += current.committedPackets();
        filesClosed++;
        current = null;
        currentPath = null;
    }

    private void writeStatistics() throws IOException {
        long wall = clock.wallNanos();
        long dropped = packetsDroppedDisk;
        for (int id = 0; id < interfaces.size(); id++) {
            CaptureCounters c;
            try {
                c = counters.counters(id);
            } catch (RuntimeException e) {
                error("counters of interface " + id, e);
                c = CaptureCounters.UNKNOWN;
            }
            String comment = "counters since capture start; cellscope ring: " + dropped + " packets not written (disk)";
            current.writeStatistics(new InterfaceStatistics(id, wall, OptionalLong.of(captureStartWall),
                    OptionalLong.of(wall), InterfaceStatistics.known(c.received()),
                    InterfaceStatistics.known(c.interfaceDrops()), InterfaceStatistics.known(c.filterAccepted()),
                    InterfaceStatistics.known(c.osDrops()), OptionalLong.empty(), comment));
        }
    }

    /**
     * A write or flush failed: the writer has cut the file back to its whole blocks. Try to end
     * it with statistics (space may remain after the cut), close it, and drop packets until a new
     * file can be opened.
     */
    private void fail(String what, IOException e, long now, long packetInHand) {
        long lost = packetsInFile - current.committedPackets() + packetInHand;
        packetsDroppedDisk += lost;
        if (current.committedPackets() == 0) {
            // Nothing of it reached the disk: a retry while the disk stays full must not leave a
            // stream of empty files behind.
            closeQuietly(current);
            deleteQuietly(currentPath);
            files.remove(currentPath);
            suspend(what, e, now);
            return;
        }
        try {
            writeStatistics();
            current.flush(config.force());
        } catch (IOException again) {
            // no room even for that: the file ends at its last whole packet
        }
        closeQuietly(current);
        closedBytes += current.committedSize();
        closedPackets += current.committedPackets();
        filesClosed++;
        suspend(what, e, now);
        current = null;
        currentPath = null;
    }

    private void forget(long now) {
        current = null;
        currentPath = null;
        failing = true;
        nextRetry = now; // the next packet or tick opens a new file (and recreates the directory)
    }

    private void suspend(String what, Exception e, long now) {
        error(what, e);
        current = null;
        currentPath = null;
        failing = true;
        nextRetry = now + config.retryInterval().toNanos();
    }

    private void error(String what, Exception e) {
        writeErrors++;
        lastError = e == null ? what : what + ": " + describe(e);
        // One warning per episode: a full disk must not fill the log as well.
        if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "ring: " + lastError + " (packets are dropped and counted until"
                    + " a new file can be written; retrying every " + config.retryInterval().toMillis() + " ms)");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory: " + message
                : e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Takes the files of our prefix already in the directory into the ring (oldest first), so the
     * count N holds across restarts and the index goes on; a torn tail of the newest is cut off.
     */
    private void adoptExisting() {
        if (!Files.isDirectory(config.directory())) {
            return;
        }
        record Found(long index, Path path) {}
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(config.directory())) {
            for (Path p : dir) {
                long i = RingFileName.index(config.prefix(), p.getFileName().toString());
                if (i >= 0 && Files.isRegularFile(p)) {
                    found.add(new Found(i, p));
                }
            }
        } catch (IOException e) {
            error("listing " + config.directory(), e);
            return;
        }
        found.sort(Comparator.comparingLong(Found::index));
        for (Found f : found) {
            files.addLast(f.path());
            index = Math.max(index, f.index());
        }
        if (!found.isEmpty()) {
            Path newest = found.getLast().path();
            try {
                long cut = PcapngTail.repair(newest);
                if (cut > 0) {
                    LOG.log(System.Logger.Level.WARNING, "ring: cut a torn tail of " + cut + " bytes off " + newest
                            + " (a write interrupted by a kill)");
                }
            } catch (IOException e) {
                error("repairing " + newest, e);
            }
        }
    }

    private static void closeQuietly(PcapngWriter writer) {
        try {
            writer.close();
        } catch (IOException e) {
            // close() has already cut the file back to whole blocks if its last flush failed
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // nothing more to do: the next attempt uses a new name
        }
    }
}
