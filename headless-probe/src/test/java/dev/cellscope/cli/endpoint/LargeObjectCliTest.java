package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 (transfers up to 1 GB): an object is one DAG_SYNC's node list, at most 8190 chunks, so 64 KiB blocks
 * stop at 536,739,840 bytes ("use a larger block size" said the error, with no way to give one). {@code put} now
 * cuts a larger file into the smallest multiple of 4 KiB that fits, announces it in its HANDSHAKE, and takes
 * {@code --block-size}. The file here is 600 MB, sparse, zeros but for twelve markers: the store keeps each
 * distinct block once, so the transfer is small and the test quick, while the DAG is a full-size one (8139 nodes).
 */
class LargeObjectCliTest {
    private static final long SIZE = 600_000_000L;
    private static final int EXPECTED_BLOCK = 73_728; // the smallest multiple of 4096 with ceil(SIZE / b) <= 8190

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFileAboveFiveHundredMegabytesIsPutAndGotBackWhole(@TempDir Path dir) throws Exception {
        assertTrue(Math.ceilDiv(SIZE, EXPECTED_BLOCK) <= 8190 && Math.ceilDiv(SIZE, EXPECTED_BLOCK - 4096) > 8190);
        Path file = sparseWithMarkers(dir.resolve("big.bin"));
        int port = 38800 + (int) (ProcessHandle.current().pid() % 900);
        try (Child serve = Child.start(dir, "serve", List.of(), "endpoint", "serve", "--key", dir.resolve("a.key").toString(),
                "--store", dir.resolve("store-a").toString(), "--listen", "127.0.0.1:" + port)) {
            String to = serve.await("node ([0-9a-f]{32})", 60) + "@127.0.0.1:" + port;

            // A block size that makes too many chunks is refused before anything is sent, naming the one that fits.
            try (Child tooSmall = Child.start(dir, "put-64KiB", List.of(), "endpoint", "put", file.toString(), "--to", to,
                    "--key", dir.resolve("b.key").toString(), "--store", dir.resolve("store-b").toString(), "--block-size", "64KiB")) {
                assertEquals(2, tooSmall.finish(60), tooSmall.tail());
                assertEquals("cellscope: --block-size 65536 cuts " + file + " into 9156 chunks, more than one DAG_SYNC holds (8190); "
                        + "73728 fits, or leave --block-size out", tooSmall.err().strip());
            }

            try (Child put = Child.start(dir, "put", List.of(), "endpoint", "put", file.toString(), "--to", to,
                    "--key", dir.resolve("b.key").toString(), "--store", dir.resolve("store-b").toString(), "--timeout", "120")) {
                assertEquals(0, put.finish(150), "the put failed\n" + put.tail() + serve.tail());
                String root = put.out().strip();
                assertTrue(root.matches("[0-9a-f]{64}"), root);
                assertTrue(put.err().contains("8139 chunks"), put.tail());

                // serve holds the manifest of ceil(600,000,000 / 73,728) = 8139 nodes and blocks of the chosen size
                Path store = dir.resolve("store-a");
                assertEquals(8139L * 32, Files.size(store.resolve("objects").resolve(root)));
                try (var blocks = Files.list(store.resolve("blocks"))) {
                    List<Long> sizes = blocks.map(b -> b.toFile().length()).distinct().sorted().toList();
                    assertEquals(List.of(SIZE - 8138L * EXPECTED_BLOCK, (long) EXPECTED_BLOCK), sizes, "block sizes in serve's store");
                }

                try (Child get = Child.start(dir, "get", List.of(), "endpoint", "get", root, "--from", to, "-o",
                        dir.resolve("got.bin").toString(), "--key", dir.resolve("c.key").toString(),
                        "--store", dir.resolve("store-c").toString(), "--timeout", "120")) {
                    assertEquals(0, get.finish(150), "the get failed\n" + get.tail() + serve.tail());
                }
                assertSameContent(file, dir.resolve("got.bin"));
            }
        }
    }

    @Test
    void aFileLargerThanAnyObjectIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.bin");
        long size = 8190L * 262_080 + 1; // one byte more than 8190 blocks of the largest size one frame carries
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size); // sparse
        }
        try (Child put = Child.start(dir, "put", List.of(), "endpoint", "put", file.toString(), "--to",
                "0123456789abcdef0123456789abcdef@127.0.0.1:9", "--key", dir.resolve("b.key").toString(),
                "--store", dir.resolve("store-b").toString())) {
            assertEquals(1, put.finish(60), put.tail());
            assertEquals("cellscope: " + file + ": " + size + " bytes is more than one object holds (8190 chunks of at most "
                    + "262080 bytes: 2146435200 bytes); split the file", put.err().strip());
        }
        // 256 KiB is more than one BLOCK_PUT frame carries (262,144 − 24 − 40)
        Path small = Files.writeString(dir.resolve("small.txt"), "x");
        try (Child put = Child.start(dir, "put-256KiB", List.of(), "endpoint", "put", small.toString(), "--block-size", "256KiB", "--to",
                "0123456789abcdef0123456789abcdef@127.0.0.1:9", "--key", dir.resolve("b.key").toString(),
                "--store", dir.resolve("store-b").toString())) {
            assertEquals(2, put.finish(60), put.tail());
            assertEquals("cellscope: --block-size must be 1 to 262080 bytes (65536, 128KiB, 255KiB), got '256KiB'", put.err().strip());
        }
    }

    /** SIZE bytes of zeros (a hole) with twelve markers written into it, at offsets that fall in different blocks. */
    private static Path sparseWithMarkers(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(SIZE);
            for (int i = 0; i < 12; i++) {
                f.seek(i * 50_000_000L + i * 4099L);
                f.write(("marker " + i + " ").repeat(100).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return file;
    }

    private static void assertSameContent(Path expected, Path actual) throws IOException {
        assertEquals(Files.size(expected), Files.size(actual), "size of " + actual);
        byte[] a = new byte[1 << 20], b = new byte[1 << 20];
        long at = 0;
        try (InputStream x = Files.newInputStream(expected); InputStream y = Files.newInputStream(actual)) {
            int n;
            while ((n = x.readNBytes(a, 0, a.length)) > 0) {
                assertEquals(n, y.readNBytes(b, 0, n), "short read at " + at);
                assertEquals(-1, java.util.Arrays.mismatch(a, 0, n, b, 0, n), "first difference near offset " + at);
                at += n;
            }
        }
    }
}
