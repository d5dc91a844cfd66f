package dev.cellscope.samples;

import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.UdpEncapsulation;
import dev.cellscope.wire.VlanTag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.cellscope.field.UtcpFields.*;

/**
 * Runs real endpoints over a {@link MemoryWire} in virtual time and records the wire as a mirror
 * port at the receiver sees it: the tap sits after the wire's faults, so a frame the wire drops is
 * never recorded (the next frame of that direction carries a comment saying so), a reordered frame
 * is recorded late, a duplicated one twice, a corrupted one with the bytes the receiver got. Each
 * payload is framed as Ethernet (EtherType 0x88B5) between the nodes' MAC addresses and written to
 * pcapng; alongside, the runner keeps what it did for the ground truth.
 *
 * <p>Reproducible: virtual time from a fixed start, seeded wire, keys derived from fixed seeds,
 * ordered maps only.
 */
final class ScenarioRunner implements AutoCloseable {
    /** 2026-11-28T12:00:00Z, as the synthetic captures. */
    static final long START = SyntheticCaptures.START;

    final VirtualScheduler scheduler = new VirtualScheduler(START);
    final MemoryWire wire;
    final Path work;
    private final FaultModel faults;
    private final PcapngWriter out;
    private final int iface;
    private final Map<String, Long> macs = new LinkedHashMap<>();
    private final Map<String, Integer> vlans = new TreeMap<>(), ipv4 = new TreeMap<>();
    private long foreign;
    private final Map<String, String> pendingByDirection = new TreeMap<>();
    private final List<String> pendingAny = new ArrayList<>();
    private final Map<String, UtcpDirection> utcp = new TreeMap<>();
    private final List<Map<String, Object>> wireEvents = new ArrayList<>();
    /** What the runner saw of Tether frames (kept apart from UTCP). */
    final TetherWireTruth tether = new TetherWireTruth();
    private long recorded, sent, dropped, delayed, duplicated, corrupted;

    ScenarioRunner(Path pcapng, FaultModel faults, long seed) throws IOException {
        this.faults = faults;
        this.wire = new MemoryWire(scheduler, faults, seed);
        this.work = Files.createTempDirectory("cellscope-scenario-");
        this.out = new PcapngWriter(pcapng);
        this.iface = out.addInterface(1, 262_144, "mirror port (receiver side of the simulated wire)");
        wire.onWire(this::onFrame);
    }

    /** Declares a node: its wire port name and the MAC address its frames carry. */
    void node(String name, long mac) {
        macs.put(name, mac);
    }

    /** A comment on the next recorded frame. */
    void comment(String text) {
        pendingAny.add(text);
    }

    /**
     * Sends a frame no endpoint made (an attack) from {@code from}'s wire port to {@code to}: it goes
     * through the wire like any frame, so the tap records it and the receiver's stack judges it.
     */
    void inject(String from, String to, byte[] payload, String comment) {
        if (comment != null) comment(comment);
        wire.port(from).send(to, payload);
    }

    /** An Ed25519 identity derived from {@code seed}: the same seed gives the same keys, CellID and Tether ID. */
    NodeIdentity identity(String name, long seed) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
            rnd.setSeed(seed);
            g.initialize(255, rnd);
            KeyPair kp = g.generateKeyPair();
            byte[] x509 = kp.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            Path file = work.resolve(name + ".identity");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "public-key = " + HexFormat.of().formatHex(raw) + "\nprivate-key = "
                    + Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n");
            return NodeIdentity.load(file);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void onFrame(long time, String from, String to, byte[] payload, Fate fate) {
        if (fate != Fate.DUPLICATED) sent++;
        TetherFrame tf = tetherFrame(payload); // Tether first (its magic), else UTCP
        UtcpHeader h = tf == null ? utcpHeader(payload) : null;
        String what = tf != null ? tether.describe(tf) : h == null ? payload.length + " bytes" : describe(h);
        String direction = from + "→" + to;
        if (h != null) utcpDirection(from, to, h).observe(h, payload, fate);
        if (tf != null) tether.observe(from, to, tf, fate, recorded + 1); // the frame number it gets if recorded
        switch (fate) {
            case DROPPED -> {
                dropped++;
                wireEvents.add(event(time, from, to, h, tf, fate));
                pendingByDirection.merge(direction, "the wire dropped " + direction + " " + what + " before this point (never seen by the tap)",
                        (a, b) -> a + "; " + b);
                return;
            }
            case DELAYED -> { delayed++; wireEvents.add(event(time, from, to, h, tf, fate)); }
            case DUPLICATED -> { duplicated++; wireEvents.add(event(time, from, to, h, tf, fate)); }
            case CORRUPTED -> { corrupted++; wireEvents.add(event(time, from, to, h, tf, fate)); }
            case DELIVERED -> {}
        }
        List<String> notes = new ArrayList<>(pendingAny);
        pendingAny.clear();
        String lost = pendingByDirection.remove(direction);
        if (lost != null) notes.add(lost);
        switch (fate) {
            case DELAYED -> notes.add("held back " + faults.reorderDelayNanos() / 1000 + " µs by the wire: later frames passed it");
            case DUPLICATED -> notes.add("duplicated by the wire: a second copy of " + what);
            case CORRUPTED -> notes.add("corrupted by the wire: one byte flipped");
            default -> {}
        }
        record(time, from, to, payload, notes.isEmpty() ? null : String.join("; ", notes));
    }

    private void record(long time, String from, String to, byte[] payload, String comment) {
        byte[] frame;
        if (ipv4.containsKey(from) && ipv4.containsKey(to)) {
            frame = UdpEncapsulation.overIpv4(mac(from), mac(to), ipv4.get(from), ipv4.get(to), Bytes.of(payload));
        } else {
            List<VlanTag> tags = vlans.containsKey(from) || vlans.containsKey(to)
                    ? List.of(new VlanTag(0x8100, 0, 0, vlans.getOrDefault(from, vlans.get(to)))) : List.of();
            EthernetHeader eth = new EthernetHeader(mac(to), mac(from), tags, LinkLayouts.ETHERTYPE_CELL);
            frame = new byte[eth.encodedSize() + payload.length];
            eth.encodeTo(MemorySegment.ofArray(frame), 0);
            System.arraycopy(payload, 0, frame, eth.encodedSize(), payload.length);
        }
        writeFrame(time, frame, comment);
    }

    /** Records a frame that is not on the simulated wire: other hosts' traffic the mirror port also sees. */
    void foreign(byte[] frame, String comment) {
        writeFrame(scheduler.now(), frame, comment);
        foreign++;
    }

    private void writeFrame(long time, byte[] frame, String comment) {
        byte[] padded = frame.length >= FrameRecorder.ETH_MIN ? frame : Arrays.copyOf(frame, FrameRecorder.ETH_MIN);
        try {
            out.write(iface, time, padded.length, MemorySegment.ofArray(padded), comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        recorded++;
    }

    /** Frames from or to {@code node} carry an 802.1Q tag with this VLAN id (when not UDP-encapsulated). */
    void vlan(String node, int vid) {
        vlans.put(node, vid);
    }

    /** Frames between two nodes that both have an IPv4 address travel as UDP on port 34997 (the [decided] encapsulation). */
    void ipv4(String node, int address) {
        ipv4.put(node, address);
    }

    private long mac(String node) {
        Long m = macs.get(node);
        if (m == null) throw new IllegalStateException("no MAC for node " + node);
        return m;
    }

    private Map<String, Object> event(long time, String from, String to, UtcpHeader h, TetherFrame tf, Fate fate) {
        Map<String, Object> e = Json.object();
        e.put("time_ns", time - START);
        e.put("from", from);
        e.put("to", to);
        e.put("fate", fate.name().toLowerCase(java.util.Locale.ROOT));
        if (h != null) {
            e.put("utcp_flags", flagNames(h.flags()));
            e.put("seq", h.seq());
        }
        if (tf != null) e.put("tether", tether.describe(tf));
        return e;
    }

    static TetherFrame tetherFrame(byte[] payload) {
        return TetherFrame.decode(payload) instanceof Decoded.Ok<TetherFrame>(TetherFrame f, int ignored) ? f : null;
    }

    static UtcpHeader utcpHeader(byte[] payload) {
        return UtcpHeader.decode(payload) instanceof Decoded.Ok<UtcpHeader> ok ? ok.value() : null;
    }

    private static String describe(UtcpHeader h) {
        return "UTCP " + flagNames(h.flags()) + " seq " + h.seq();
    }

    static String flagNames(int flags) {
        List<String> n = new ArrayList<>();
        if ((flags & SYN) != 0) n.add("SYN");
        if ((flags & ACK) != 0) n.add("ACK");
        if ((flags & FIN) != 0) n.add("FIN");
        if ((flags & NACK) != 0) n.add("NACK");
        if ((flags & DATA) != 0) n.add("DATA");
        return String.join("|", n);
    }

    private UtcpDirection utcpDirection(String from, String to, UtcpHeader h) {
        return utcp.computeIfAbsent(from + ">" + to, k -> new UtcpDirection(from, to, h.src().hex(), h.dst().hex()));
    }

    UtcpDirection direction(String from, String to) {
        return utcp.get(from + ">" + to);
    }

    /** What the runner knows about one UTCP direction. */
    static final class UtcpDirection {
        final String from, to, src, dst;
        Long isn;
        final TreeMap<Long, Integer> dataSends = new TreeMap<>();
        final TreeSet<Long> lostData = new TreeSet<>(), lostFirstSend = new TreeSet<>(), reordered = new TreeSet<>(),
                duplicated = new TreeSet<>(), corrupted = new TreeSet<>(), nackedSeqs = new TreeSet<>(), overtaken = new TreeSet<>(),
                recordedData = new TreeSet<>(), missingAtTap = new TreeSet<>();
        long highestRecordedData = Long.MIN_VALUE;
        final List<String> lostControl = new ArrayList<>();
        long frames, dataFrames, nacksSent, nacksDropped, acks, fins;
        boolean finRecorded;

        UtcpDirection(String from, String to, String src, String dst) {
            this.from = from; this.to = to; this.src = src; this.dst = dst;
        }

        void observe(UtcpHeader h, byte[] payload, Fate fate) {
            if (fate != Fate.DUPLICATED) frames++;
            int f = h.flags();
            if ((f & SYN) != 0 && isn == null) isn = h.seq();
            if ((f & DATA) != 0) {
                if (fate != Fate.DUPLICATED) {
                    int n = dataSends.merge(h.seq(), 1, Integer::sum);
                    dataFrames++;
                    if (fate == Fate.DROPPED) {
                        lostData.add(h.seq());
                        if (n == 1) lostFirstSend.add(h.seq());
                    }
                }
                if (fate == Fate.DELAYED) reordered.add(h.seq());
                if (fate != Fate.DROPPED) {
                    if (fate == Fate.DELAYED && highestRecordedData > h.seq() && dataSends.get(h.seq()) == 1) overtaken.add(h.seq());
                    if (highestRecordedData != Long.MIN_VALUE) {
                        for (long q = highestRecordedData + 1; q < h.seq(); q++) if (!recordedData.contains(q)) missingAtTap.add(q);
                    }
                    recordedData.add(h.seq());
                    highestRecordedData = Math.max(highestRecordedData, h.seq());
                }
                if (fate == Fate.DUPLICATED) duplicated.add(h.seq());
                if (fate == Fate.CORRUPTED) corrupted.add(h.seq());
            } else if (fate == Fate.DROPPED) {
                lostControl.add(flagNames(f) + " " + h.seq());
            }
            if ((f & NACK) != 0 && fate != Fate.DUPLICATED) {
                nacksSent++;
                if (fate == Fate.DROPPED) nacksDropped++;
                if (UtcpNack.decode(Arrays.copyOfRange(payload, UtcpHeader.SIZE, payload.length)) instanceof Decoded.Ok<UtcpNack> ok) {
                    for (NackRange r : ok.value().ranges()) for (long s = r.first(); s < r.first() + r.count(); s++) nackedSeqs.add(s);
                }
            }
            if ((f & ACK) != 0 && fate != Fate.DUPLICATED) acks++;
            if ((f & FIN) != 0 && fate != Fate.DUPLICATED) fins++;
            if ((f & FIN) != 0 && fate != Fate.DROPPED) finRecorded = true;
        }

        /** DATA seqs sent more than once (each re-send answers a NACK: the stack has no timeout retransmission of data). */
        TreeSet<Long> retransmitted() {
            TreeSet<Long> r = new TreeSet<>();
            dataSends.forEach((s, n) -> { if (n > 1) r.add(s); });
            return r;
        }

        Map<String, Object> truth() {
            Map<String, Object> m = Json.object();
            m.put("from", from);
            m.put("to", to);
            m.put("src_cellid", src);
            m.put("dst_cellid", dst);
            m.put("initial_seq", isn);
            m.put("frames_sent", frames);
            m.put("data_seqs", dataSends.size());
            if (!dataSends.isEmpty()) {
                m.put("first_data_seq", dataSends.firstKey());
                m.put("last_data_seq", dataSends.lastKey());
            }
            m.put("data_frames_sent", dataFrames);
            m.put("data_lost", List.copyOf(lostData));
            m.put("data_lost_on_first_send", List.copyOf(lostFirstSend));
            m.put("control_lost", lostControl);
            m.put("data_reordered", List.copyOf(reordered));
            m.put("data_reordered_and_overtaken", List.copyOf(overtaken));
            m.put("data_missing_at_tap", List.copyOf(missingAtTap));
            m.put("data_duplicated", List.copyOf(duplicated));
            m.put("data_corrupted", List.copyOf(corrupted));
            m.put("data_retransmitted", List.copyOf(retransmitted()));
            m.put("nacks_sent", nacksSent);
            m.put("nacks_dropped", nacksDropped);
            m.put("seqs_nacked", List.copyOf(nackedSeqs));
            m.put("acks_sent", acks);
            m.put("fins_sent", fins);
            m.put("fin_recorded", finRecorded);
            return m;
        }
    }

    /** The wire part of the ground truth. */
    Map<String, Object> wireTruth() {
        Map<String, Object> w = Json.object();
        w.put("tap", "mirror port at the receiver: frames dropped by the wire are not recorded (a comment on the next frame "
                + "of that direction says so); reordered frames are recorded when they arrive, duplicates twice, corrupted "
                + "frames with the bytes the receiver got");
        w.put("loss", faults.loss());
        w.put("reorder", faults.reorder());
        w.put("duplicate", faults.duplicate());
        w.put("corrupt", faults.corrupt());
        w.put("rate_bytes_per_second", faults.rateBytesPerSecond());
        w.put("one_way_delay_ns", faults.delayNanos());
        w.put("jitter_ns", faults.jitterNanos());
        w.put("reorder_delay_ns", faults.reorderDelayNanos());
        Map<String, Object> mac = Json.object();
        macs.forEach((n, m) -> mac.put(n, String.format("%012x", m).replaceAll("(..)(?!$)", "$1:")));
        w.put("macs", mac);
        w.put("frames_sent", sent);
        w.put("frames_recorded", recorded);
        if (foreign > 0 || !vlans.isEmpty() || !ipv4.isEmpty()) {   // mixed wires only: the other truths stay as they were
            w.put("foreign_frames_recorded", foreign);
            Map<String, Object> vlan = Json.object();
            vlans.forEach(vlan::put);
            w.put("vlan_by_node", vlan);
            Map<String, Object> ip = Json.object();
            ipv4.forEach((n, a) -> ip.put(n, (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255)));
            w.put("udp_ipv4_by_node", ip);
        }
        w.put("frames_dropped", dropped);
        w.put("frames_reordered", delayed);
        w.put("frames_duplicated", duplicated);
        w.put("frames_corrupted", corrupted);
        w.put("events", wireEvents);
        return w;
    }

    List<Map<String, Object>> utcpTruth() {
        List<Map<String, Object>> l = new ArrayList<>();
        utcp.values().stream().sorted(Comparator.comparing((UtcpDirection d) -> d.from).thenComparing(d -> d.to)).forEach(d -> l.add(d.truth()));
        return l;
    }

    long recorded() {
        return recorded;
    }

    @Override
    public void close() throws IOException {
        out.close();
        try (var walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
