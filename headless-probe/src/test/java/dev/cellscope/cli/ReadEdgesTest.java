package dev.cellscope.cli;

import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, items 9, 11 and 13: -w writes every frame read displays; -z io,stat widens an interval
 * that would need too many rows; pipes and standard input are read; error lines name a file once.
 */
class ReadEdgesTest {
    @TempDir
    static Path dir;
    static Path capture;

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    // ---- pcapng and pcap bytes written here by hand (the pcapng spec's layouts), not by our writers

    private static final byte[] FRAME = new byte[60];

    static {
        for (int i = 0; i < 12; i++) FRAME[i] = (byte) (0x02 + i);
        FRAME[12] = (byte) 0x88;
        FRAME[13] = (byte) 0xb5; // local experimental EtherType: plain Ethernet to every dissector
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] block(int type, byte[] body) {
        int total = 12 + body.length;
        return le(total).putInt(type).putInt(total).put(body).putInt(total).array();
    }

    private static byte[] shb() {
        return block(0x0A0D0D0A, le(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
    }

    /** IDB: Ethernet, if_tsresol 9 (nanoseconds), if_tsoffset in seconds (signed, per the spec). */
    private static byte[] idb(long tsoffset) {
        return block(1, le(8 + 8 + 12 + 4).putShort((short) 1).putShort((short) 0).putInt(0)
                .putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3])
                .putShort((short) 14).putShort((short) 8).putLong(tsoffset)
                .putShort((short) 0).putShort((short) 0).array());
    }

    private static byte[] epb(long raw, int originalLength) {
        return block(6, le(20 + FRAME.length).putInt(0).putInt((int) (raw >>> 32)).putInt((int) raw)
                .putInt(FRAME.length).putInt(originalLength).put(FRAME).array());
    }

    private static Path write(String name, byte[]... parts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.write(p);
        return Files.write(dir.resolve(name), b.toByteArray());
    }

    @Test
    void writeCopiesWhatReadDisplays() throws Exception {
        // if_tsoffset -100 s: frame 1 is 99 s before the epoch; frame 2's original length is 0xFFFFFFFF;
        // frame 3's timestamp is 2^64-1 ns.
        Path in = write("hostile.pcapng", shb(), idb(-100), epb(1_000_000_000L, 60), epb(200_000_000_000L, 0xFFFFFFFF),
                epb(-1L, 60));
        Path out = dir.resolve("hostile-copy.pcapng");
        Cli.Result w = Cli.run("read", "-r", in.toString(), "-w", out.toString(), "-P");
        assertEquals(0, w.exit(), w.err());
        assertEquals("", Cli.errors(w));

        Cli.Result len = Cli.run("read", "-r", in.toString(), "-T", "fields", "-e", "frame.len");
        assertEquals("60\n4294967295\n60\n", len.out(), "frame.len is the u32 of the file");
        assertTrue(w.lines().get(1).matches(".* 4294967295( .*)?"), "summary length column: " + w.lines().get(1));

        for (String[] args : List.of(new String[]{}, new String[]{"-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch"},
                new String[]{"-V"})) {
            Cli.Result a = Cli.run(concat(new String[]{"read", "-r", in.toString()}, args));
            Cli.Result b = Cli.run(concat(new String[]{"read", "-r", out.toString()}, args));
            assertEquals(a.out(), b.out(), "the copy reads back differently: " + List.of(args));
        }
        Cli.Result t1 = Cli.tool("tshark", "-r", in.toString(), "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch");
        Assumptions.assumeTrue(t1 != null, "tshark not installed");
        Cli.Result t2 = Cli.tool("tshark", "-r", out.toString(), "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch");
        assertEquals(3, t1.lines().size(), t1.err());
        assertEquals(t1.out(), t2.out(), "tshark reads the copy differently");
        assertTrue(t1.lines().get(0).matches("60\t60\t-99\\.0+"), t1.lines().get(0));
        // tshark shows an original length of 0xFFFFFFFF clamped to 2^31-1; what matters is that both files agree.
        assertTrue(t1.lines().get(1).matches("\\d+\t60\t100\\.0+"), t1.lines().get(1));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void ioStatWidensAnIntervalThatWouldNeedTooManyRows() throws Exception {
        // pcap, microseconds: two Ethernet frames 2,000 s apart.
        ByteBuffer b = le(24 + 2 * (16 + FRAME.length)).putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(65535).putInt(1);
        for (int seconds : new int[]{1000, 3000}) b.putInt(seconds).putInt(0).putInt(FRAME.length).putInt(FRAME.length).put(FRAME);
        Path span = Files.write(dir.resolve("span.pcap"), b.array());

        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("read", "-r", span.toString(), "-q", "-z", "io,stat,0.001");
        assertEquals(0, r.exit(), r.err());
        assertEquals("cellscope: -z io,stat: an interval of 0.001 s would need more than 1000000 rows for this capture; using 0.01 s\n",
                Cli.errors(r));
        List<String> lines = r.lines();
        assertTrue(lines.contains("Interval: 0.010000 s"), lines.subList(0, 5).toString());
        // tshark prints 2,000,001 rows at 0.001 s (0 <> 0.001 ... 2000 <> 2000.001); ten times wider: 200,001.
        List<String> rows = lines.stream().filter(l -> l.contains(" <> ")).toList();
        assertEquals(200_001, rows.size());
        assertTrue(rows.get(0).matches("0\\.000000 <> 0\\.010000 +\\| +1 +60"), rows.get(0));
        assertTrue(rows.get(rows.size() - 1).matches("2000\\.000000 <> 2000\\.010000 *\\| +1 +60"), rows.get(rows.size() - 1));
        assertEquals(2, rows.stream().filter(l -> l.matches(".*\\| +1 +60")).count(), "two frames, one in each end row");
        assertTrue(System.nanoTime() - t0 < 60e9, "bounded: 200,001 rows in well under a minute");
    }

    @Test
    void standardInputIsReadLikeAFile() throws Exception {
        Cli.Result file = Cli.run("read", "-r", capture.toString());
        Cli.Result stdin = Cli.run(capture, "read", "-r", "-");
        assertEquals(0, stdin.exit(), stdin.err());
        assertEquals(file.out(), stdin.out());
        Cli.Result twoPassFile = Cli.run("read", "-r", capture.toString(), "-2", "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in");
        Cli.Result twoPassStdin = Cli.run(capture, "read", "-r", "-", "-2", "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in");
        assertEquals(0, twoPassStdin.exit(), twoPassStdin.err());
        assertEquals(twoPassFile.out(), twoPassStdin.out());
    }

    /**
     * A gzip stream whose every capture byte decompresses but which is cut before its trailer, or whose CRC is wrong, is
     * damage after its frames (tshark: "appears to have been cut short", "cannot be decompressed ... (bad CRC)"). Before,
     * both read as whole: exit 0, nothing said, and a flipped byte's wrong data shown as the capture.
     */
    @Test
    void aGzipCutBeforeItsTrailerOrWithABadCrcIsDamage() throws Exception {
        Path gz = dir.resolve("whole.pcapng.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(capture, out);
        }
        byte[] whole = Files.readAllBytes(gz);
        Cli.Result plain = Cli.run("read", "-r", capture.toString());
        long size = Files.size(capture);

        Path cut = Files.write(dir.resolve("no-trailer.pcapng.gz"), java.util.Arrays.copyOf(whole, whole.length - 4));
        Cli.Result r = Cli.run("read", "-r", cut.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(plain.out(), r.out(), "every frame is there");
        assertEquals("cellscope: " + cut + ": the gzip data is cut short after " + size + " decompressed bytes; "
                + plain.out().lines().count() + " frames were read before it\n", Cli.errors(r));

        byte[] badCrc = whole.clone();
        badCrc[badCrc.length - 8] ^= 1; // the trailer's CRC-32
        Path bad = Files.write(dir.resolve("bad-crc.pcapng.gz"), badCrc);
        Cli.Result b = Cli.run(bad, "read", "-r", "-");
        assertEquals(1, b.exit(), b.err());
        assertEquals(plain.out(), b.out());
        assertEquals("cellscope: standard input: the gzip data is damaged (Corrupt GZIP trailer) after " + size
                + " decompressed bytes; " + plain.out().lines().count() + " frames were read before it\n", Cli.errors(b));
    }

    /**
     * A gzip-compressed capture on standard input or a pipe is decompressed as a .gz file is (tshark reads both:
     * {@code cat x.pcapng.gz | tshark -r -}). Before: "standard input: not a pcap or pcapng file: first bytes 1f 8b 08 00".
     */
    @Test
    void aGzipCompressedCaptureOnStandardInputReadsAsItsContents() throws Exception {
        Path gz = dir.resolve("stdin.pcapng.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(capture, out);
        }
        Cli.Result stdin = Cli.run(gz, "read", "-r", "-", "-2", "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in");
        assertEquals(0, stdin.exit(), stdin.err());
        assertEquals(Cli.run("read", "-r", capture.toString(), "-2", "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in").out(),
                stdin.out());
        Path notGzip = Files.write(dir.resolve("not-gzip.bin"), new byte[]{0x1f, (byte) 0x8b, 'x', 'y', 'z'});
        Cli.Result bad = Cli.run(notGzip, "read", "-r", "-");
        assertEquals(1, bad.exit());
        assertEquals("cellscope: standard input (gzip): Unsupported compression method: nothing to read\n", Cli.errors(bad));
    }

    @Test
    void aPipeIsReadNotCalledAnEmptyFile() throws Exception {
        Path fifo = dir.resolve("capture.fifo");
        Cli.Result made = Cli.tool("mkfifo", fifo.toString());
        Assumptions.assumeTrue(made != null && made.exit() == 0, "no mkfifo");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                o.write(Files.readAllBytes(capture));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Cli.Result r = Cli.run("stats", "-r", fifo.toString(), "--flows", "-");
        writer.join();
        assertEquals(0, r.exit(), r.err());
        assertEquals(Cli.run("stats", "-r", capture.toString(), "--flows", "-").out(), r.out());
    }

    @Test
    void emptyStandardInputSaysSo() throws Exception {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        Cli.Result r = Cli.run(empty, "read", "-r", "-");
        assertEquals(1, r.exit());
        assertEquals("cellscope: standard input: no data, not a capture\n", Cli.errors(r));
    }

    @Test
    void anErrorLineNamesTheFileOnce() throws Exception {
        // A section header block whose byte-order magic is zero.
        Path bad = Files.write(dir.resolve("bad.pcapng"), le(28).putInt(0x0A0D0D0A).putInt(28).putInt(0).putInt(0).putLong(0).putInt(28).array());
        Cli.Result r = Cli.run("read", "-r", bad.toString());
        assertEquals(1, r.exit());
        assertEquals("cellscope: " + bad + ": not a readable pcapng file: section header block at offset 0 has bad byte-order magic 0x0"
                + " (at byte offset 0)\n", Cli.errors(r));
    }

    /**
     * A gzip-compressed capture reads as its contents do (tshark reads them too); one cut short keeps the frames before the
     * cut and says where; gzip's magic on something that is not gzip is one line. Before: "not a pcap or pcapng file:
     * first bytes 1f 8b 08 00" (the fuzz review).
     */
    @Test
    void aGzipCompressedCaptureReadsAsItsContents() throws Exception {
        Path gz = dir.resolve("quickstart.pcapng.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(capture, out);
        }
        Cli.Result plain = Cli.run("read", "-r", capture.toString(), "-V");
        Cli.Result unzipped = Cli.run("read", "-r", gz.toString(), "-V");
        assertEquals(0, unzipped.exit(), unzipped.err());
        assertEquals(plain.out(), unzipped.out());
        assertEquals(Cli.run("read", "-r", capture.toString(), "-2", "-q", "-z", "expert").out(),
                Cli.run("read", "-r", gz.toString(), "-2", "-q", "-z", "expert").out());

        byte[] whole = Files.readAllBytes(gz);
        Path cut = Files.write(dir.resolve("cut.pcapng.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli.Result r = Cli.run("read", "-r", cut.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(Cli.errors(r).startsWith("cellscope: " + cut + ": block at offset "), Cli.errors(r));
        long shown = r.out().lines().count();
        assertTrue(shown > 5 && shown < plain.out().lines().filter(l -> l.startsWith("Frame ")).count(), shown + " frames before the cut");

        Path notGzip = Files.write(dir.resolve("not.gz"), new byte[]{0x1f, (byte) 0x8b, 'x', 'y', 'z'});
        Cli.Result bad = Cli.run("read", "-r", notGzip.toString());
        assertEquals(1, bad.exit());
        assertEquals("cellscope: " + notGzip + " (gzip): Unsupported compression method: nothing to read\n", Cli.errors(bad));
    }
}
