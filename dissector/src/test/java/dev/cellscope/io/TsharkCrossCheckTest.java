package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.PcapngBuilder.Opt;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks our files against an independent implementation: tshark must read what we write
 * and agree field by field, and our readers must read what tshark writes.
 */
class TsharkCrossCheckTest {

    private static final String TSHARK = "/usr/bin/tshark";
    /**
     * tshark prints this to stderr whenever it runs as root (as CI does). It is a warning
     * about privileges, not about the file, so it is the one stderr line we tolerate.
     */
    private static final String ROOT_WARNING = "Running as user \"root\" and group \"root\". This could be dangerous.";
    private static final String[] FIELDS = {"frame.number", "frame.time_epoch", "frame.len", "frame.cap_len",
        "frame.comment", "eth.src", "eth.dst", "frame.interface_id"};

    @TempDir
    Path dir;

    @BeforeAll
    static void requireTshark() {
        if (!Files.isExecutable(Path.of(TSHARK))) {
            Assumptions.assumeTrue(false, "tshark not installed: " + TSHARK + " is missing (apt-get install tshark)");
        }
    }

    private record Run(List<String> lines) {}

    private Run tshark(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TSHARK));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /** Runs a Wireshark tool; it must exit 0 and print nothing to stderr but the root warning. */
    private Run run(String... commandLine) throws IOException, InterruptedException {
        List<String> command = List.of(commandLine);
        Path out = Files.createTempFile(dir, "tshark", ".out");
        Path err = Files.createTempFile(dir, "tshark", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.equals(ROOT_WARNING)).toList();
        assertEquals(0, p.exitValue(), () -> "failed: " + command + "\n" + stderr);
        assertEquals(List.of(), stderr, "complained on stderr: " + command);
        return new Run(Files.readAllLines(out, StandardCharsets.UTF_8));
    }

    private List<String[]> fields(Path file) throws Exception {
        List<String> args = new ArrayList<>(List.of("-r", file.toString(), "-T", "fields", "-E", "separator=/t"));
        for (String f : FIELDS) {
            args.add("-e");
            args.add(f);
        }
        return tshark(args.toArray(String[]::new)).lines().stream().map(l -> l.split("\t", -1)).toList();
    }

    /** ~20 Ethernet frames: assorted MACs and EtherTypes, two interfaces, comments, ns timestamps. */
    static List<Captures.Copy> ethernetPackets() {
        int[] etherTypes = {0x0800, 0x86DD, 0x0806, 0x88B5, 0x8100, 0x88F7, 0x22F0};
        String[] comments = {null, "first comment", null, "Ünïcødé ✓ 日本", null, "spaces  inside", null};
        List<Captures.Copy> packets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int size = 14 + (i * 97) % 1500;
            byte[] frame = new byte[size];
            for (int k = 0; k < size; k++) {
                frame[k] = (byte) (k * 7 + i);
            }
            byte[] dst = {(byte) (i % 3 == 0 ? 0xFF : 0x02), 0x00, 0x5E, (byte) i, (byte) (i * 3), (byte) (0xA0 + i)};
            if (dst[0] == (byte) 0xFF) {
                java.util.Arrays.fill(dst, (byte) 0xFF); // broadcast
            }
            byte[] src = {0x02, (byte) 0xCE, 0x11, (byte) (i * 13), (byte) (200 - i), (byte) i};
            System.arraycopy(dst, 0, frame, 0, 6);
            System.arraycopy(src, 0, frame, 6, 6);
            int type = etherTypes[i % etherTypes.length];
            frame[12] = (byte) (type >> 8);
            frame[13] = (byte) type;
            long ts = 1_700_000_000_000_000_000L + i * 1_234_567_891L + (i == 19 ? 900_000_000_000_000_000L : 0);
            int original = i % 4 == 3 ? size + 100 : size;
            packets.add(new Captures.Copy(i + 1, ts, i % 2, Packet.LINKTYPE_ETHERNET, original, frame,
                    comments[i % comments.length]));
        }
        return packets;
    }

    private Path writeEthernetCapture() throws IOException {
        Path file = dir.resolve("ours.pcapng");
        try (PcapngWriter w = new PcapngWriter(file)) {
            w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "port-a");
            w.addInterface(Packet.LINKTYPE_ETHERNET, 65535, "port-b");
            for (Captures.Copy p : ethernetPackets()) {
                w.write(p.interfaceId(), p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()),
                        p.comment());
            }
        }
        return file;
    }

    private static long nanos(String epoch) {
        return new BigDecimal(epoch).movePointRight(9).longValueExact();
    }

    private static String mac(byte[] frame, int offset) {
        return HexFormat.ofDelimiter(":").formatHex(frame, offset, offset + 6);
    }

    @Test
    void tsharkReadsOurPcapngAndAgreesOnEveryField() throws Exception {
        List<Captures.Copy> packets = ethernetPackets();
        List<String[]> rows = fields(writeEthernetCapture());
        assertEquals(packets.size(), rows.size());
        for (int i = 0; i < packets.size(); i++) {
            Captures.Copy p = packets.get(i);
            String[] row = rows.get(i);
            String where = "packet " + (i + 1) + ": " + String.join(" | ", row);
            assertEquals(String.valueOf(p.number()), row[0], where);
            assertEquals(p.timestampNanos(), nanos(row[1]), where);
            assertEquals(String.valueOf(p.originalLength()), row[2], where);
            assertEquals(String.valueOf(p.data().length), row[3], where);
            assertEquals(p.comment() == null ? "" : p.comment(), row[4], where);
            assertEquals(mac(p.data(), 6), row[5], where);
            assertEquals(mac(p.data(), 0), row[6], where);
            assertEquals(String.valueOf(p.interfaceId()), row[7], where);
        }
    }

    @Test
    void tsharkReadsOurPcap() throws Exception {
        Path file = dir.resolve("ours.pcap");
        List<Captures.Copy> packets = ethernetPackets();
        try (PcapWriter w = new PcapWriter(file, Packet.LINKTYPE_ETHERNET, 262144)) {
            for (Captures.Copy p : packets) {
                w.write(p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()));
            }
        }
        List<String[]> rows = fields(file);
        assertEquals(packets.size(), rows.size());
        for (int i = 0; i < packets.size(); i++) {
            Captures.Copy p = packets.get(i);
            String[] row = rows.get(i);
            assertEquals(p.timestampNanos(), nanos(row[1]));
            assertEquals(String.valueOf(p.originalLength()), row[2]);
            assertEquals(String.valueOf(p.data().length), row[3]);
            assertEquals(mac(p.data(), 6), row[5]);
        }
    }

    /**
     * Global interface numbering across sections. capinfos (Wireshark's own summary) numbers
     * the IDBs of all sections in file order, as we do. tshark 4.0's per-packet
     * frame.interface_id does not apply that mapping: it takes a later section's local id as
     * the global one (and so also the wrong if_tsresol). We therefore compare per-packet
     * fields only in the first section, where both agree, and the numbering with capinfos.
     */
    @Test
    void multiSectionInterfaceNumberingMatchesWireshark() throws Exception {
        byte[] frame = PcapReaderTest.frame(60, 9);
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "A")).epb(0, 1_000_000, 60, frame)
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "B"), Opt.u8(PcapngReader.IF_TSRESOL, 9))
                .epb(1, 1_700_000_000_123_456_789L, 60, frame, Opt.string(1, "second"))
                .shb(ByteOrder.BIG_ENDIAN)
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "C"), Opt.u8(PcapngReader.IF_TSRESOL, 3))
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "D"), Opt.u8(PcapngReader.IF_TSRESOL, 0x80 | 20))
                .epb(1, (1_700_000_000L << 20) + 3, 60, frame, Opt.string(1, "big-endian section"))
                .epb(0, 1_700_000_000_123L, 60, frame);
        Path file = dir.resolve("sections.pcapng");
        Files.write(file, b.build());

        Captures.Result ours = Captures.read(file);
        assertEquals(List.of(0, 1, 3, 2), ours.packets().stream().map(Captures.Copy::interfaceId).toList());
        assertEquals(List.of("A", "B", "C", "D"), ours.interfaces().stream().map(InterfaceInfo::name).toList());

        List<String[]> rows = fields(file);
        assertEquals(ours.packets().size(), rows.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(String.valueOf(ours.packets().get(i).interfaceId()), rows.get(i)[7], "packet " + (i + 1));
            assertEquals(ours.packets().get(i).timestampNanos(), nanos(rows.get(i)[1]), "packet " + (i + 1));
            assertEquals(ours.packets().get(i).comment() == null ? "" : ours.packets().get(i).comment(), rows.get(i)[4]);
        }

        List<String> names = new ArrayList<>();
        List<String> summary = run("/usr/bin/capinfos", file.toString()).lines();
        for (int i = 0; i < summary.size(); i++) {
            if (summary.get(i).startsWith("Interface #" + names.size() + " info:")) {
                names.add(summary.get(i + 1).replaceFirst("^\\s*Name = ", ""));
            }
        }
        assertEquals(List.of("A", "B", "C", "D"), names, String.join("\n", summary));
    }

    @Test
    void ourReadersReadWhatTsharkWrites() throws Exception {
        Path ours = writeEthernetCapture();
        List<Captures.Copy> expected = ethernetPackets();

        Path ng = dir.resolve("tshark.pcapng");
        tshark("-r", ours.toString(), "-F", "pcapng", "-w", ng.toString());
        Captures.Result r = Captures.read(ng);
        assertEquals(CaptureReader.Format.PCAPNG, r.format());
        assertTrue(r.error().isEmpty(), () -> r.error().toString());
        assertEquals(expected, r.packets());
        assertEquals(List.of("port-a", "port-b"), r.interfaces().stream().map(InterfaceInfo::name).toList());

        // Classic pcap keeps neither interfaces nor comments; plain pcap also only microseconds.
        Path nsec = dir.resolve("tshark-ns.pcap");
        tshark("-r", ours.toString(), "-F", "nsecpcap", "-w", nsec.toString());
        assertEquals(expected.stream().map(p -> asPcap(p, 1)).toList(), Captures.read(nsec).packets());

        Path usec = dir.resolve("tshark-us.pcap");
        tshark("-r", ours.toString(), "-F", "pcap", "-w", usec.toString());
        Captures.Result micro = Captures.read(usec);
        assertEquals(1_000_000, micro.interfaces().get(0).unitsPerSecond());
        assertEquals(expected.stream().map(p -> asPcap(p, 1000)).toList(), micro.packets());
    }

    private static Captures.Copy asPcap(Captures.Copy p, long nanosPerUnit) {
        long ts = p.timestampNanos() / nanosPerUnit * nanosPerUnit;
        return new Captures.Copy(p.number(), ts, 0, p.linkType(), p.originalLength(), p.data(), null);
    }
}
