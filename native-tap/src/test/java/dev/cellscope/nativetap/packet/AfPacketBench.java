package dev.cellscope.nativetap.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving side of native-tap/bench/afpacket.sh (not a test).
 * <ul>
 * <li>{@code write FILE FRAMES LENGTH}: a pcap of numbered 0x88b5 frames for tcpreplay;
 * <li>{@code receive IF IDLE_MS [BLOCK_KIB BLOCKS]}: opens the ring, prints "ready", counts frames
 *     (reading each frame's EtherType and first payload word, as a dissector's first step would)
 *     until IDLE_MS pass without one after the first, then prints one line of results: frames,
 *     bytes, ring drops, the kernel's packet count, process CPU seconds (user + system, all JVM
 *     threads) from the first frame to the last, and CPU seconds per million frames.
 * </ul>
 */
public final class AfPacketBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write" -> write(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "walk" -> walk(Integer.parseInt(args[1]));
            case "receive" -> receive(args[1], Long.parseLong(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 1024,
                    args.length > 4 ? Integer.parseInt(args[4]) : 64);
            default -> throw new IllegalArgumentException("write FILE FRAMES LENGTH | receive IF IDLE_MS [BLOCK_KIB BLOCKS]");
        }
    }

    /** The cursor alone, on a block laid out as the kernel does (in memory, warm caches): ns per frame. */
    private static void walk(int passes) {
        try (var arena = java.lang.foreign.Arena.ofShared()) {
            MemorySegment blk = arena.allocate(1 << 20, 4096);
            int n = 0;
            long h = 48, prev = -1;
            while (h + 160 < blk.byteSize()) {
                if (prev >= 0) blk.set(ValueLayout.JAVA_INT, prev, (int) (h - prev));
                blk.set(ValueLayout.JAVA_INT, h + 12, 60);
                blk.set(ValueLayout.JAVA_INT, h + 16, 60);
                blk.set(ValueLayout.JAVA_SHORT, h + 24, (short) 86);
                prev = h;
                h += 152; // 86 + 60, 8-aligned
                n++;
            }
            blk.set(ValueLayout.JAVA_INT, 12, n);
            blk.set(ValueLayout.JAVA_INT, 16, 48);
            long best = Long.MAX_VALUE, sum = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                RingBlock b = new RingBlock(null, 0, blk, 1, true, 262_144);
                MemorySegment s = b.blockSegment();
                while (b.next()) {
                    long at = b.frameOffset();
                    sum += s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 12) + s.get(ValueLayout.JAVA_INT_UNALIGNED, at + 14) + b.originalLength();
                }
                best = Math.min(best, System.nanoTime() - t0);
            }
            System.out.printf("walk: %d frames per block, best %.1f ns per frame (checksum %d)%n", n, best / (double) n, sum);
        }
    }

    private static void write(Path file, int frames, int length) throws Exception {
        List<byte[]> list = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            byte[] f = TpacketV3RingVethTest.frame(0x88b5, length, 0x5a);
            ByteBuffer.wrap(f).putInt(14, i);
            list.add(f);
        }
        PcapFiles.write(file, list);
    }

    private static void receive(String ifname, long idleMillis, int blockKib, int blocks) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        try (TpacketV3Ring ring = TpacketV3Ring.open(RingConfig.of(ifname).withBlocks(blockKib << 10, blocks).withRetireTimeoutMillis(10))) {
            System.out.println("ready " + ring);
            System.out.flush();
            long frames = 0, bytes = 0, sum = 0, cpu0 = 0, cpu1 = 0, t0 = 0, t1 = 0, th0 = 0, th1 = 0;
            while (true) {
                RingBlock b = ring.nextBlock(frames == 0 ? -1 : idleMillis);
                if (b == null) break;
                if (frames == 0) {
                    cpu0 = os.getProcessCpuTime();
                    th0 = threads.getCurrentThreadCpuTime();
                    t0 = System.nanoTime();
                }
                MemorySegment s = b.blockSegment();
                while (b.next()) {
                    long at = b.frameOffset();
                    int len = b.capturedLength();
                    if (len >= 18) sum += s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 12) + s.get(ValueLayout.JAVA_INT_UNALIGNED, at + 14);
                    frames++;
                    bytes += b.originalLength();
                }
                b.release();
                cpu1 = os.getProcessCpuTime();
                th1 = threads.getCurrentThreadCpuTime();
                t1 = System.nanoTime();
            }
            RingStats st = ring.stats();
            double cpu = (cpu1 - cpu0) / 1e9, wall = (t1 - t0) / 1e9, thread = (th1 - th0) / 1e9, m = frames / 1e6;
            System.out.printf("ring: frames %d drops %d kernel-packets %d freezes %d blocks %d | process cpu %.3f s (receive thread %.3f s)"
                            + " over %.3f s | %.3f cpu-s per M frames (receive thread %.3f) | %.0f frames/s (checksum %d)%n",
                    frames, st.drops(), st.packets(), st.freezes(), st.blocks(), cpu, thread, wall,
                    frames == 0 ? 0 : cpu / m, frames == 0 ? 0 : thread / m, wall == 0 ? 0 : frames / wall, sum);
        }
    }
}
