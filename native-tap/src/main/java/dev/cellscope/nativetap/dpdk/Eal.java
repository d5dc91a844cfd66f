package dev.cellscope.nativetap.dpdk;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DPDK's Environment Abstraction Layer, once per process. {@code rte_eal_init} can run only once in
 * a process (a second call fails with EALREADY, and after {@code rte_eal_cleanup} it cannot start
 * again), so {@link #init} starts it with the first arguments it is given and afterwards accepts
 * the same arguments again (reusing the running EAL: ports come and go as hot-plugged virtual
 * devices, see {@link DpdkPort}) and refuses other ones in one line. {@code rte_eal_cleanup} runs
 * when the JVM exits (a shutdown hook), not when a port closes, so a process can open and close
 * ports as often as it likes.
 *
 * <p>The EAL pins the thread that initialises it to its main lcore, so {@link #init} calls it from a
 * thread of its own, which then ends: the JVM's threads keep their CPUs. Capture threads are then
 * not EAL lcores ({@code rte_lcore_id()} is {@code LCORE_ID_ANY}): mempools without a per-lcore
 * cache, which DPDK supports for any thread.
 *
 * <p>The EAL's log goes to a file of its own ({@code rte_openlog_stream}), and while it parses its
 * arguments the process's stdout and stderr go there too (getopt and the EAL's usage text print
 * there, not to the log): a refused argument becomes one line quoted from it, not a screenful.
 */
public final class Eal {
    private static List<String> runningWith; // guarded by Eal.class
    private static boolean cleanedUp;
    private static String failed; // why rte_eal_init failed in this process, if it did
    private static Path logFile;
    private static volatile MemorySegment logStream; // the EAL's log (a FILE*), once it runs

    private Eal() {}

    /** Why DPDK cannot run in this process (one line with the fix), or null. */
    public static String unavailableReason() {
        return DpdkLibrary.unavailableReason();
    }

    /** The arguments the running EAL was started with (without argv[0]), or null before {@link #init}. */
    public static synchronized List<String> runningWith() {
        return runningWith;
    }

    /** Where the EAL writes its log (null before {@link #init}). */
    public static synchronized Path logFile() {
        return logFile;
    }

    /**
     * Starts the EAL with {@code args} (no argv[0]), or does nothing when it already runs with the same
     * ones. Throws a {@link DpdkException} of kind {@link DpdkException.Kind#EAL} when it refuses them,
     * when it already runs with other arguments, or after it was cleaned up.
     */
    public static synchronized void init(List<String> args) {
        String why = unavailableReason();
        if (why != null) throw new DpdkException(DpdkException.Kind.UNAVAILABLE, why);
        args = List.copyOf(args);
        if (runningWith != null) {
            if (runningWith.equals(args)) return;
            throw new DpdkException(DpdkException.Kind.EAL, "DPDK's EAL already runs in this process with other arguments ("
                    + String.join(" ", runningWith) + "): it can be initialised once per process, so start another process for "
                    + String.join(" ", args));
        }
        if (failed != null) throw new DpdkException(DpdkException.Kind.EAL, failed + " (earlier in this process; the EAL cannot be started twice)");
        if (cleanedUp) throw new DpdkException(DpdkException.Kind.EAL, "DPDK's EAL was shut down in this process and cannot start again");
        if (logFile == null) {
            RuntimeLeftovers.removeThoseOfDeadProcesses(runtimeBase(), Path.of(System.getProperty("java.io.tmpdir")));
            // from the first attempt on: a refused rte_eal_init may have made the runtime directory too
            List<String> attempted = args;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> removeRuntimeDirectory(attempted), "dpdk runtime directory"));
            try {
                logFile = Files.createTempFile("cellscope-dpdk-" + ProcessHandle.current().pid() + "-", ".log");
                logFile.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new DpdkException(DpdkException.Kind.EAL, "cannot make a file for DPDK's log: " + e.getMessage());
            }
        }
        List<String> argv = args;
        AtomicReference<String> failure = new AtomicReference<>();
        // its own thread: the EAL sets the calling thread's CPU affinity to the main lcore
        Thread t = Thread.ofPlatform().name("dpdk eal init").start(() -> failure.set(initHere(argv)));
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DpdkException(DpdkException.Kind.EAL, "interrupted while DPDK's EAL started");
        }
        if (failure.get() != null) {
            failed = failure.get(); // a failed rte_eal_init cannot be repeated in this process either
            throw new DpdkException(DpdkException.Kind.EAL, failure.get());
        }
        runningWith = args;
        Runtime.getRuntime().addShutdownHook(new Thread(Eal::cleanup, "dpdk eal cleanup"));
    }

    /** Runs rte_eal_init on this thread; null on success, else why in one line. */
    private static String initHere(List<String> args) {
        long logStart = size(logFile);
        int rc, code;
        try {
            Arena arena = Arena.global(); // the EAL may keep pointers into argv
            MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, args.size() + 2L);
            argv.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom("cellscope"));
            for (int i = 0; i < args.size(); i++) argv.setAtIndex(ValueLayout.ADDRESS, i + 1, arena.allocateFrom(args.get(i)));
            argv.setAtIndex(ValueLayout.ADDRESS, args.size() + 1, MemorySegment.NULL);
            MemorySegment log = (MemorySegment) DpdkLibrary.FOPEN.invokeExact(arena.allocateFrom(logFile.toString()), arena.allocateFrom("a"));
            if (log.equals(MemorySegment.NULL)) return "cannot open " + logFile + " for DPDK's log";
            int ignored = (int) DpdkLibrary.OPENLOG_STREAM.invokeExact(log);
            logStream = log; // the EAL's from now on: never closed
            int[] result = intoLog(() -> {
                int r = (int) DpdkLibrary.EAL_INIT.invokeExact(args.size() + 1, argv);
                return new int[]{r, r < 0 ? DpdkLibrary.rteErrno() : 0};
            });
            rc = result[0];
            code = result[1];
        } catch (Throwable e) {
            return "DPDK's EAL could not start: " + e;
        }
        if (rc >= 0) return null;
        String said = EalLog.reason(EalLog.since(logFile, logStart));
        return "DPDK's EAL refused its arguments (" + String.join(" ", args) + "): "
                + (said != null ? said : DpdkLibrary.strerror(code));
    }

    /** A native call that may fail in any way (a downcall's invokeExact throws Throwable). */
    @FunctionalInterface
    interface NativeCall<T> {
        T run() throws Throwable;
    }

    private static final Object OUTPUT = new Object();

    /**
     * Runs {@code call} with the process's stdout and stderr going to DPDK's log: what the EAL, a driver or the
     * libbpf and libxdp under the af_xdp driver print there (getopt's complaint, the EAL's usage text, a screenful of
     * libxdp's attach retries: 253 lines for one refused af_xdp device, user review) stays in the log, and the caller
     * quotes the line that says why. Runs the call as it is when the EAL has no log yet.
     */
    static <T> T intoLog(NativeCall<T> call) throws Throwable {
        MemorySegment log = logStream;
        if (log == null) return call.run();
        synchronized (OUTPUT) {
            int logFd = (int) DpdkLibrary.FILENO.invokeExact(log);
            int savedOut = (int) DpdkLibrary.DUP.invokeExact(1), savedErr = (int) DpdkLibrary.DUP.invokeExact(2);
            System.out.flush();
            System.err.flush();
            int ignored = (int) DpdkLibrary.DUP2.invokeExact(logFd, 1);
            ignored = (int) DpdkLibrary.DUP2.invokeExact(logFd, 2);
            try {
                return call.run();
            } finally {
                ignored = (int) DpdkLibrary.FFLUSH.invokeExact(MemorySegment.NULL); // C's stdout and stderr buffers, into the log
                ignored = (int) DpdkLibrary.DUP2.invokeExact(savedOut, 1);
                ignored = (int) DpdkLibrary.DUP2.invokeExact(savedErr, 2);
                ignored = (int) DpdkLibrary.CLOSE.invokeExact(savedOut);
                ignored = (int) DpdkLibrary.CLOSE.invokeExact(savedErr);
            }
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code rte_eal_cleanup}: once, at exit. After it no port may be used. */
    static synchronized void cleanup() {
        if (runningWith == null || cleanedUp) return;
        cleanedUp = true;
        DpdkPort.closeAll();
        try {
            int ignored = (int) DpdkLibrary.EAL_CLEANUP.invokeExact();
        } catch (Throwable e) {
            // at exit: nothing more to do
        }
        removeRuntimeDirectory(runningWith);
    }

    /**
     * Where the EAL makes its runtime directories, as DPDK 22.11's {@code eal_get_runtime_dir} picks it:
     * {@code /var/run/dpdk} for root, else {@code $XDG_RUNTIME_DIR/dpdk}, else {@code /tmp/dpdk}.
     */
    static Path runtimeBase() {
        if (RuntimeLeftovers.realUid() == 0) return Path.of("/var/run/dpdk");
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return xdg != null ? Path.of(xdg, "dpdk") : Path.of("/tmp/dpdk");
    }

    /**
     * DPDK 22.11 leaves its runtime directory ({@link #runtimeBase}/PREFIX) behind; with {@code --no-shconf} it
     * is empty and is removed here, at exit, after {@code rte_eal_cleanup} or a refused {@code rte_eal_init}
     * (shutdown hooks run in no set order: the EAL's cleanup holds this class's lock, which this waits for). One
     * with files in it (the EAL's shared config) is left as DPDK leaves it.
     */
    private static void removeRuntimeDirectory(List<String> args) {
        String prefix = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--file-prefix=")) prefix = a.substring("--file-prefix=".length());
            else if (a.equals("--file-prefix") && i + 1 < args.size()) prefix = args.get(i + 1);
        }
        if (prefix == null || prefix.isEmpty() || prefix.contains("/") || prefix.startsWith(".")) return;
        synchronized (Eal.class) {
            if (runningWith != null && !cleanedUp) return; // the EAL still runs: its cleanup hook comes and calls this again
            try {
                Files.deleteIfExists(runtimeBase().resolve(prefix)); // only when empty
            } catch (IOException e) {
                // not empty, or not ours to remove
            }
        }
    }
}
