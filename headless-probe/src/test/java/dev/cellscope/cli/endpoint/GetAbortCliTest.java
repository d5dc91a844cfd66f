package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A get that fails mid-transfer (here: one block of the object is corrupt in serve's store, so serve NACKs it
 * block_not_found while it is still sending the other wanted blocks) closes its connection properly before it exits:
 * serve sees the FIN and closes its side. On the old code the get closed its stack under the FIN it had just asked
 * for: serve kept the connection and went on repeating "NACK missing=0" to nobody.
 */
@Timeout(90)
class GetAbortCliTest {
    @TempDir
    Path dir;

    @Test
    void aFailedGetClosesItsConnectionWithAFin() throws Exception {
        int port = TetherCliTest.freeUdpPort();
        try (Child serve = Child.start(dir, "serve", List.of(), "endpoint", "serve", "--key", dir.resolve("b.key").toString(),
                "--store", dir.resolve("storeB").toString(), "--listen", "127.0.0.1:" + port)) {
            String bob = serve.await("node ([0-9a-f]{32})", 30);
            byte[] content = new byte[3 << 20];
            new java.util.Random(6).nextBytes(content);
            java.nio.file.Files.write(dir.resolve("in.bin"), content);
            String root;
            try (Child put = Child.start(dir, "put", List.of(), "endpoint", "put", dir.resolve("in.bin").toString(), "--to",
                    bob + "@127.0.0.1:" + port, "--key", dir.resolve("a.key").toString(), "--store", dir.resolve("storeA").toString(),
                    "--timeout", "30")) {
                assertEquals(0, put.finish(40), put.tail());
                root = put.out().strip();
            }
            // Corrupt the 40th of the 48 chunks in serve's store: by then the get has many blocks in flight.
            byte[] manifest = java.nio.file.Files.readAllBytes(dir.resolve("storeB").resolve("objects").resolve(root));
            String chunk = java.util.HexFormat.of().formatHex(manifest, 39 * 32, 40 * 32);
            Path block = dir.resolve("storeB").resolve("blocks").resolve(chunk);
            byte[] bad = java.nio.file.Files.readAllBytes(block);
            bad[7] ^= 1;
            java.nio.file.Files.write(block, bad);
            try (Child get = Child.start(dir, "get", List.of(), "endpoint", "get", root, "--from", bob + "@127.0.0.1:" + port,
                    "--key", dir.resolve("c.key").toString(), "--store", dir.resolve("storeC").toString(),
                    "-o", dir.resolve("out.bin").toString(), "--timeout", "30")) {
                assertEquals(1, get.finish(40), get.tail());
                assertTrue(get.err().contains("block_not_found"), get.tail());
                String getter = get.await("node ([0-9a-f]{8})", 1);
                // serve's side of the get's connection ends because the getter closed it (not a timeout, minutes later)
                serve.await(getter + "\u2026 sbi: closed: closed by the peer", 5);
            }
        }
    }
}
