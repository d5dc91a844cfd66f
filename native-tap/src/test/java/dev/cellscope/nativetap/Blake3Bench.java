package dev.cellscope.nativetap;

import dev.cellscope.crypto.Blake3Engine;
import dev.cellscope.crypto.JavaBlake3;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Throughput of the BLAKE3 engines, single-threaded: a buffer hashed block by block, best of
 * N passes after one warm-up pass, by wall time and by this thread's CPU time (the CPU time
 * stays meaningful when other work shares the machine). Run by bench/blake3.sh; not a test.
 * Arguments: [total MiB (512)] [block KiB (256)] [passes (3)].
 */
public final class Blake3Bench {
    private Blake3Bench() {}

    /** Written with every digest so the JIT cannot drop the hashing. */
    static volatile int blackhole;

    public static void main(String[] args) {
        long total = (args.length > 0 ? Long.parseLong(args[0]) : 512) << 20;
        int block = (args.length > 1 ? Integer.parseInt(args[1]) : 256) << 10;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        byte[] heap = new byte[Math.toIntExact(total)];
        new SplittableRandom(1).nextBytes(heap);
        NativeBlake3 nat = new NativeBlake3();
        if (!nat.available()) System.out.println("native engine unavailable: " + NativeBlake3.unavailableReason());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(total, 64).copyFrom(MemorySegment.ofArray(heap));
            System.out.printf("buffer %d MiB in %d KiB blocks, best of %d%n", total >> 20, block >> 10, passes);
            if (nat.available()) {
                run("native, heap byte[]", nat, MemorySegment.ofArray(heap), block, passes);
                run("native, off-heap", nat, offHeap, block, passes);
            }
            run("JavaBlake3, heap byte[]", new JavaBlake3(), MemorySegment.ofArray(heap), block, passes);
        }
    }

    private static void run(String label, Blake3Engine e, MemorySegment buf, int block, int passes) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        byte[] out = new byte[32];
        long best = Long.MAX_VALUE, bestCpu = Long.MAX_VALUE;
        int sink = 0;
        for (int pass = 0; pass <= passes; pass++) { // pass 0 warms up
            long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
            for (long off = 0; off < buf.byteSize(); off += block) {
                e.hash(buf, off, Math.min(block, buf.byteSize() - off), out);
                sink += out[0];
            }
            long t = System.nanoTime() - t0, c = threads.getCurrentThreadCpuTime() - c0;
            if (pass > 0) {
                best = Math.min(best, t);
                bestCpu = Math.min(bestCpu, c);
            }
        }
        blackhole = sink;
        System.out.printf("%-24s %-48s wall %6.3f s %6.2f GB/s   cpu %6.3f s %6.2f GB/s%n", label,
                "[" + e.name() + "]", best / 1e9, buf.byteSize() / (double) best,
                bestCpu / 1e9, buf.byteSize() / (double) bestCpu);
    }
}
