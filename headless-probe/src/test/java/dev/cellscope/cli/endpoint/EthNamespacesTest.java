package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The endpoint commands over raw Ethernet between two network namespaces joined by a veth pair,
 * with 5% of the 0x88B5 frames arriving at A dropped by an nftables ingress rule (no netem on
 * this kernel). A serves; B puts a 3 MiB file and gets it back by its root; A receives a 1 MiB
 * file over Tether from B. tcpdump on B's end sees every frame B sends (before the loss at A)
 * and everything A sends (no loss that way), and {@code cellscope read} on that capture must
 * show UTCP NACKs and retransmissions, Tether NACKs and re-sends, credit analysis and no grant
 * overrun. Skips, saying why, where it cannot run. With {@code KEEP=/some/dir} in the
 * environment the temporary directory (capture, every command's output) is copied there.
 */
class EthNamespacesTest {
    private static final int LOSS_PERCENT = 5;

    @TempDir
    Path dir;

    @Test
    void sbiAndTetherOverRawEthernetWithLoss() throws Exception {
        String why = NetnsPair.whyNot();
        Assumptions.assumeTrue(why == null, "raw Ethernet namespace test skipped: " + why);
        List<Child> children = new ArrayList<>();
        try (NetnsPair net = new NetnsPair()) {
            String notMade = net.create();
            Assumptions.assumeTrue(notMade == null, "raw Ethernet namespace test skipped: " + notMade);
            String noLoss = net.lossIntoA(LOSS_PERCENT);
            Assumptions.assumeTrue(noLoss == null, "raw Ethernet namespace test skipped: no nftables netdev ingress: " + noLoss);
            try {
                run(net, children);
            } finally {
                children.forEach(Child::close);
                if (System.getenv("KEEP") != null) new ProcessBuilder("cp", "-r", dir.toString(), System.getenv("KEEP")).start().waitFor();
            }
        }
    }

    private void run(NetnsPair net, List<Child> children) throws Exception {
        long t0 = System.nanoTime();
        Path cap = dir.resolve("cap.pcap");
        // -B: a 64 MiB buffer, so the capture keeps up; -Z root: the temp dir is root's only.
        Child tcpdump = Child.startRaw(dir, "tcpdump", concat(net.exec(net.nsB), NetnsPair.which("tcpdump"), "-i", net.ifB,
                "-B", "65536", "--immediate-mode", "-Z", "root", "-w", cap.toString()));
        children.add(tcpdump);
        tcpdump.await("listening on", 20);

        List<String> inA = net.exec(net.nsA), inB = net.exec(net.nsB);
        String[] ethA = {"--transport", "eth", "--iface", net.ifA, "--key", dir.resolve("a.key").toString()};
        String[] ethB = {"--transport", "eth", "--iface", net.ifB, "--key", dir.resolve("b.key").toString()};

        Child serve = Child.start(dir, "serve", inA, concat(List.of("endpoint", "serve"), ethA, "--store", dir.resolve("store-a").toString()));
        children.add(serve);
        String cellA = serve.await("node ([0-9a-f]{32}) \\(tether " + NetnsPair.MAC_A + "\\) on eth " + net.ifA, 30);

        // SBI: put, then get back by root into an empty store (the data crosses the wire twice).
        Path file = random(dir.resolve("sbi.bin"), 3 << 20, 1);
        Child put = Child.start(dir, "put", inB, concat(List.of("endpoint", "put", file.toString()), ethB,
                "--store", dir.resolve("store-b").toString(), "--to", cellA + "@" + NetnsPair.MAC_A, "--timeout", "60"));
        assertEquals(0, put.finish(70), put.tail());
        String root = put.out().strip();
        assertTrue(root.matches("[0-9a-f]{64}"), put.tail());
        Path back = dir.resolve("sbi-back.bin");
        // Another identity for get: if put's ACK of serve's FIN is lost, serve keeps repeating that FIN
        // (the put process is gone) and ignores new SYNs from the same CellID until its FIN timeout.
        String[] ethB2 = ethB.clone();
        ethB2[ethB2.length - 1] = dir.resolve("b2.key").toString();
        Child get = Child.start(dir, "get", inB, concat(List.of("endpoint", "get", root), ethB2,
                "--store", dir.resolve("store-b2").toString(), "--from", cellA + "@" + NetnsPair.MAC_A, "-o", back.toString(), "--timeout", "60"));
        assertEquals(0, get.finish(70), get.tail());
        assertEquals(-1, Files.mismatch(file, back), "the object got back differs from the file put");

        // Tether: B sends to A (over eth, A's Tether identity is its MAC).
        Path content = random(dir.resolve("tether.bin"), 1 << 20, 2);
        Path received = dir.resolve("tether-got.bin");
        Child recv = Child.start(dir, "tether-recv", inA, concat(List.of("endpoint", "tether-recv", "-o", received.toString()), ethA,
                "--from", NetnsPair.MAC_B, "--timeout", "60"));
        children.add(recv);
        recv.await("waiting for a flow", 30);
        Child send = Child.start(dir, "tether-send", inB, concat(List.of("endpoint", "tether-send", content.toString()), ethB,
                "--lamp", "--to", NetnsPair.MAC_A, "--timeout", "60"));
        assertEquals(0, send.finish(70), send.tail());
        assertTrue(send.out().contains(": CONFIRMED,"), send.tail());
        assertEquals(0, recv.finish(30), recv.tail());
        assertEquals(-1, Files.mismatch(content, received), "Tether content differs");

        serve.signal("TERM");
        int served = serve.finish(20);
        assertTrue(served == 0 || served == 128 + 15, "serve on SIGTERM: exit " + served + "\n" + serve.tail()); // 143: the JVM's exit on a signal
        assertTrue(serve.out().contains(" stopping"), serve.tail());
        assertTrue(serve.out().contains("object complete: " + root), serve.tail());
        tcpdump.signal("INT");
        tcpdump.finish(20);
        Matcher dropped = Pattern.compile("(\\d+) packets? dropped by kernel").matcher(tcpdump.err());
        assertTrue(dropped.find() && dropped.group(1).equals("0"), "the capture is incomplete, its analysis would mislead:\n" + tcpdump.tail());

        CaptureFacts facts = CaptureFacts.read(dir, cap);
        System.out.printf("EthNamespacesTest: %s; %.1f s%n", facts, (System.nanoTime() - t0) / 1e9);
        assertTrue(facts.utcpNacks() > 0, "no UTCP NACK in the capture: " + facts);
        assertTrue(facts.utcpRetransmissions() > 0, "no UTCP retransmission: " + facts);
        assertTrue(facts.tetherNacks() > 0, "no Tether NACK (singleton or bulk): " + facts);
        assertTrue(facts.tetherResends() > 0, "no Tether re-send: " + facts);
        assertTrue(facts.tetherSpending() > 0, "no Tether frame spent credit: the credit analysis saw nothing: " + facts);
        assertEquals(0, facts.overruns(), "grant overrun: " + facts);
        assertEquals("1", facts.lastManifestMatch(), "the last Manifest does not match what the tap saw: " + facts);
    }

    private static Path random(Path file, int size, long seed) throws java.io.IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(file, b);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static String[] concat(List<String> head, String[] middle, String... tail) {
        List<String> all = concat(head, middle);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
