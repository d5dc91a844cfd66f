package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two endpoints as separate processes over UDP loopback: a 20 MiB file put to a serving node
 * with 5% loss, 2% reordering and 1% duplication injected on every send, then fetched back by a
 * third process through the same faults; the copy is byte-identical, and the serving node holds
 * exactly the file's blocks (each stored only after its BLAKE3 matched).
 */
class UdpTransferCliTest {

    static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.cellscope.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static int run(Path dir, Path out, Path err, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java(args)).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", args) + " did not finish in 180 s:\n" + Files.readString(err));
        }
        return p.exitValue();
    }

    @Test
    void twentyMebibytesBetweenProcessesThroughInjectedFaults(@TempDir Path dir) throws Exception {
        byte[] content = new byte[20 << 20];
        new Random(11).nextBytes(content);
        Files.write(dir.resolve("in.bin"), content);
        int port = 35100 + (int) (ProcessHandle.current().pid() % 800);
        String[] faults = {"--loss", "0.05", "--reorder", "0.02", "--duplicate", "0.01"};

        List<String> serveCmd = new ArrayList<>(java("endpoint", "serve", "--key", "b.key", "--store", "storeB", "--listen", "127.0.0.1:" + port));
        serveCmd.addAll(List.of(faults));
        serveCmd.addAll(List.of("--seed", "2"));
        Process serve = new ProcessBuilder(serveCmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile()).start();
        try {
            String bob = awaitCellId(dir.resolve("serve.log"));
            List<String> put = new ArrayList<>(List.of("endpoint", "put", "in.bin", "--to", bob + "@127.0.0.1:" + port,
                    "--key", "a.key", "--store", "storeA", "--seed", "3", "--timeout", "150"));
            put.addAll(List.of(faults));
            int putExit = run(dir, dir.resolve("root.txt"), dir.resolve("put.log"), put.toArray(String[]::new));
            assertEquals(0, putExit, Files.readString(dir.resolve("put.log")) + Files.readString(dir.resolve("root.txt")) + Files.readString(dir.resolve("serve.log")));
            String root = Files.readString(dir.resolve("root.txt")).strip();
            assertTrue(root.matches("[0-9a-f]{64}"), root);

            List<String> get = new ArrayList<>(List.of("endpoint", "get", root, "--from", bob + "@127.0.0.1:" + port,
                    "--key", "c.key", "--store", "storeC", "-o", "out.bin", "--seed", "4", "--timeout", "150"));
            get.addAll(List.of(faults));
            int getExit = run(dir, dir.resolve("get.out"), dir.resolve("get.log"), get.toArray(String[]::new));
            assertEquals(0, getExit, Files.readString(dir.resolve("get.log")));
            assertArrayEquals(sha256(content), sha256(Files.readAllBytes(dir.resolve("out.bin"))), "the fetched copy differs");

            // The serving node stored 320 distinct 64 KiB blocks (random content: no duplicates), each named by its BLAKE3.
            long blocks;
            try (var files = Files.list(dir.resolve("storeB").resolve("blocks"))) {
                blocks = files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).count();
            }
            assertEquals(320, blocks);
            String serveLog = Files.readString(dir.resolve("serve.log"));
            assertFalse(serveLog.contains("hash_mismatch"), serveLog);
            assertTrue(Files.readString(dir.resolve("put.log")).contains("faults injected on send: dropped "), "faults were injected");
        } finally {
            serve.destroy(); // SIGTERM: the node flushes and exits
            if (!serve.waitFor(10, TimeUnit.SECONDS)) serve.destroyForcibly();
        }
        assertTrue(Files.readString(dir.resolve("serve.log")).contains("stopping"), "serve handles SIGTERM");
    }

    private static String awaitCellId(Path log) throws Exception {
        Pattern node = Pattern.compile("node ([0-9a-f]{32})");
        for (int i = 0; i < 200; i++) {
            if (Files.exists(log)) {
                Matcher m = node.matcher(Files.readString(log));
                if (m.find()) return m.group(1);
            }
            Thread.sleep(50);
        }
        fail("serve did not start: " + (Files.exists(log) ? Files.readString(log) : "no log"));
        return null;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
