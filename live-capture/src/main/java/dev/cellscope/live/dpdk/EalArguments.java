package dev.cellscope.live.dpdk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the EAL is started with and which port {@code -i NAME} means.
 *
 * <p>Without raw arguments (the usual case, and what the tests run): a kernel interface through a
 * DPDK virtual device, no hugepages, no PCI scan, a runtime directory of this process's own, no
 * telemetry socket:
 * {@code --no-huge -m 512 --no-pci --no-telemetry --file-prefix=cellscope-PID}, and then, per capture,
 * the device hot-plugged into the running EAL: {@code -i veth0} is
 * {@code net_af_packet,iface=veth0} (as {@code --vdev=net_af_packet0,iface=veth0} would be),
 * {@code -i af_xdp:veth0} is {@code net_af_xdp,iface=veth0}.
 *
 * <p>With raw arguments ({@code CELLSCOPE_DPDK_EAL_ARGS} in the environment, or the system property
 * {@code cellscope.dpdk.eal-args}; split at white space, no quoting) they are the EAL's whole
 * argument list, as {@code dpdk-testpmd} takes it before {@code --}, and {@code -i} names one of
 * the ports they make: a NIC's PCI address ({@code -a 0000:3b:00.0}, {@code -i 0000:3b:00.0}) or a
 * {@code --vdev} name.
 *
 * @param eal     the EAL's arguments (no argv[0])
 * @param raw     given by the user: {@code -i} names an EAL port; else a kernel interface to hot-plug
 */
record EalArguments(List<String> eal, boolean raw) {
    static final String ENV = "CELLSCOPE_DPDK_EAL_ARGS";
    static final String PROPERTY = "cellscope.dpdk.eal-args";
    /** {@code -i af_xdp:IF}: the kernel interface through DPDK's AF_XDP driver instead of AF_PACKET. */
    static final String AF_XDP_PREFIX = "af_xdp:";

    /** The defaults of this process (its pid in the runtime directory's name: captures of several processes do not collide). */
    static List<String> defaults() {
        return List.of("--no-huge", "--no-shconf", "-m", "512", "--no-pci", "--no-telemetry", "--file-prefix=cellscope-" + ProcessHandle.current().pid());
    }

    /** From the system property, else the environment, else the defaults. */
    static EalArguments current() {
        return of(System.getProperty(PROPERTY), System.getenv());
    }

    static EalArguments of(String property, Map<String, String> env) {
        String given = property != null && !property.isBlank() ? property : env.get(ENV);
        if (given == null || given.isBlank()) return new EalArguments(defaults(), false);
        return new EalArguments(Arrays.stream(given.strip().split("\\s+")).toList(), true);
    }

    /** The virtual device for kernel interface {@code name} ({@code -i veth0} or {@code -i af_xdp:veth0}): driver and arguments. */
    static Vdev vdevFor(String name, int mtu, long bufferBytes) {
        if (name.startsWith(AF_XDP_PREFIX)) {
            return new Vdev("net_af_xdp", kernelName(name), "iface=" + kernelName(name) + ",start_queue=0,queue_count=1");
        }
        // the PMD's TPACKET_V2 frames must hold the largest frame (else the kernel cuts it), and an mbuf must hold a ring frame
        // (at most 32 KiB: an mbuf's data room is 16 bits; larger frames, on lo's 64 KiB MTU, are cut to it)
        int frame = Math.min(32768, Integer.highestOneBit(Math.max(2048, mtu + 18 + 128) - 1) << 1);
        int block = Math.max(frame, 4096);
        long count = Math.max(512, bufferBytes / frame);
        count -= count % Math.max(1, block / frame);
        List<String> args = new ArrayList<>(List.of("iface=" + name, "qpairs=1", "blocksz=" + block, "framesz=" + frame, "framecnt=" + count));
        return new Vdev("net_af_packet", name, String.join(",", args));
    }

    /** The kernel interface a {@code -i} name captures on. */
    static String kernelName(String name) {
        return name.startsWith(AF_XDP_PREFIX) ? name.substring(AF_XDP_PREFIX.length()) : name;
    }

    /**
     * A virtual device on a kernel interface.
     *
     * @param driver    the DPDK driver ({@code net_af_packet}, {@code net_af_xdp})
     * @param iface     the kernel interface
     * @param args      the device's arguments
     */
    record Vdev(String driver, String iface, String args) {
        /**
         * mbufs its pool needs: the af_packet driver copies each frame into an mbuf the backend frees at
         * once (a few bursts' worth is plenty); the AF_XDP driver builds its UMEM from the pool and keeps
         * its fill ring full from it (2047 mbufs were too few for its queue setup here; 4095 worked).
         */
        int mbufs() {
            return driver.equals("net_af_packet") ? 2047 : 8191;
        }

        /** The mbuf data room its frames need: the af_packet ring frame (or 2 KiB for AF_XDP) plus the headroom. */
        int dataRoom() {
            if (!driver.equals("net_af_packet")) return 2048 + 128;
            for (String a : args.split(",")) if (a.startsWith("framesz=")) return Integer.parseInt(a.substring(8)) + 128;
            return 2048 + 128;
        }
    }
}
