package dev.cellscope.nativetap.process;

import org.junit.jupiter.api.Test;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Thread affinities, read back from the kernel ({@code Cpus_allowed_list} in /proc/self/task/TID/status). */
class CpuAffinityTest {

    static BitSet allowed(String task) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/task", task, "status"))) {
            if (line.startsWith("Cpus_allowed_list:")) return CpuAffinity.parseList(line.substring(line.indexOf(':') + 1).strip());
        }
        throw new AssertionError("no Cpus_allowed_list for task " + task);
    }

    @Test
    void parsesKernelCpuLists() {
        BitSet s = CpuAffinity.parseList("0-3,6");
        assertEquals("{0, 1, 2, 3, 6}", s.toString());
        assertEquals("{1}", CpuAffinity.parseList("1").toString());
        assertTrue(CpuAffinity.online().get(0), "CPU 0 is online");
    }

    /** The CPU to isolate on (the last this thread may use now), every other online one, and this thread's CPUs before. */
    private record Split(int cpu, BitSet others, BitSet mine0) {}

    /** Skips, saying why, unless this process may use two CPUs. */
    private static Split split() throws CpuAffinity.AffinityException {
        BitSet online = CpuAffinity.online();
        BitSet mine0 = CpuAffinity.of(0);
        assumeTrue(online.cardinality() >= 2 && mine0.cardinality() >= 2,
                "needs two CPUs this process may use (online " + online + ", allowed " + mine0 + ")");
        int cpu = mine0.length() - 1;
        BitSet others = (BitSet) online.clone();
        others.clear(cpu);
        return new Split(cpu, others, mine0);
    }

    @Test
    void isolatesTheCallingThreadFromTheRestOfTheProcess() throws Exception {
        Split split = split();
        int cpu = split.cpu();
        BitSet others = split.others(), mine0 = split.mine0();
        // every thread's affinity before, to put back (this JVM runs other tests afterwards)
        Map<Integer, BitSet> before = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    before.put(Integer.parseInt(t.getFileName().toString()), allowed(t.getFileName().toString()));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended while listed
                }
            }
        }
        CountDownLatch started = new CountDownLatch(1), done = new CountDownLatch(1);
        int[] otherTid = new int[1];
        Thread other = Thread.ofPlatform().daemon().start(() -> {
            otherTid[0] = CpuAffinity.tid();
            started.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        int self = CpuAffinity.tid();
        try {
            CpuAffinity.isolateCallingThread(cpu, others);
            BitSet only = new BitSet();
            only.set(cpu);
            assertEquals(only, allowed(Integer.toString(self)), "the caller on its CPU alone");
            assertEquals(only, CpuAffinity.of(0), "sched_getaffinity agrees");
            assertEquals(others, allowed(Integer.toString(otherTid[0])), "a thread started before: moved off the caller's CPU");
            // and a thread the isolated one starts inherits the one CPU (what the replay's reader thread undoes)
            BitSet[] child = new BitSet[1];
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    child[0] = allowed(Integer.toString(CpuAffinity.tid()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.join();
            assertEquals(only, child[0], "inherited");
        } finally {
            done.countDown();
            other.join();
            for (Map.Entry<Integer, BitSet> e : before.entrySet()) {
                try {
                    CpuAffinity.set(e.getKey() == self ? 0 : e.getKey(), e.getValue());
                } catch (CpuAffinity.AffinityException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        assertEquals(mine0, CpuAffinity.of(0), "put back");
    }

    /**
     * Threads being started while the caller isolates itself are moved off its CPU too: a thread started while
     * the process's threads are listed copies its parent's old affinity and shows only in a later listing (CI
     * once saw one left behind). Two threads start threads that live a few milliseconds, without pause, through
     * many isolations; after each, no thread but the caller may use its CPU.
     */
    @Test
    void threadsStartedDuringTheIsolationAreMovedToo() throws Exception {
        Split split = split();
        int cpu = split.cpu();
        BitSet others = split.others(), mine0 = split.mine0();
        int self = CpuAffinity.tid();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Queue<Thread> started = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable spawn = () -> {
            while (!stop.get()) {
                started.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                started.removeIf(t -> !t.isAlive());
            }
        };
        Thread a = Thread.ofPlatform().daemon().start(spawn), b = Thread.ofPlatform().daemon().start(spawn);
        try {
            for (int round = 0; round < 200; round++) {
                everyThreadOn(mine0); // as before an isolation
                CpuAffinity.isolateCallingThread(cpu, others);
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                    for (Path t : tasks) {
                        String tid = t.getFileName().toString();
                        if (Integer.parseInt(tid) == self) continue;
                        BitSet cpus;
                        try {
                            cpus = allowed(tid);
                        } catch (java.io.IOException gone) {
                            continue;
                        }
                        assertFalse(cpus.get(cpu), "round " + round + ": thread " + tid + " may still use CPU " + cpu + ": " + cpus);
                    }
                }
            }
        } finally {
            stop.set(true);
            a.join();
            b.join();
            for (Thread t : started) t.join(); // gone before the next test lists this process's threads
            everyThreadOn(mine0); // this JVM runs other tests afterwards
        }
        assertEquals(mine0, CpuAffinity.of(0), "put back");
    }

    private static void everyThreadOn(BitSet cpus) throws Exception {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    CpuAffinity.set(Integer.parseInt(t.getFileName().toString()), cpus);
                } catch (CpuAffinity.AffinityException gone) {
                    // ended meanwhile
                }
            }
        }
    }

    @Test
    void aCpuThatIsNotThereIsRefusedWithItsErrno() {
        BitSet none = new BitSet();
        none.set(1023);
        CpuAffinity.AffinityException e = assertThrows(CpuAffinity.AffinityException.class, () -> CpuAffinity.pinCallingThread(none));
        assertEquals(22, e.errno, e.getMessage());
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
    }
}
