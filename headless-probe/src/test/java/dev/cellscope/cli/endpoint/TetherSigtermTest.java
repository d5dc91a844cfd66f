package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SIGTERM still leaves the end-of-run line on stdout (review: a SIGTERMed tether-send printed nothing, though "at the
 * end, one line goes to stdout, also on failure" and a CANCELLED status exists; tether-recv printed no summary, unlike
 * serve's "stopping"). Real child JVMs over UDP loopback.
 */
@Timeout(120)
class TetherSigtermTest {
    @TempDir
    Path dir;

    @Test
    void aSigtermedSenderPrintsItsCancelledLine() throws Exception {
        Path content = Files.write(dir.resolve("in.bin"), new byte[10_000]);
        int port = TetherCliTest.freeUdpPort(); // nobody there: the Lamp goes unanswered
        try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", dir.resolve("s.key").toString(),
                "--lamp", "--to", "ac:1d:00:00:00:01@127.0.0.1:" + port, "--timeout", "60")) {
            send.await("lamp lit", 30);
            send.signal("TERM");
            send.finish(30);
            assertTrue(send.out().lines().anyMatch(l -> l.startsWith("tether-send " + content + ": CANCELLED, 10000 bytes")), send.tail());
        }
    }

    @Test
    void aSigtermedReceiverPrintsItsSummary() throws Exception {
        Path out = dir.resolve("got.bin");
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", dir.resolve("r.key").toString(),
                "--listen", "127.0.0.1:" + TetherCliTest.freeUdpPort(), "--timeout", "60")) {
            recv.await("waiting for a flow", 30);
            recv.signal("TERM");
            recv.finish(30);
            assertTrue(recv.out().lines().anyMatch(l -> l.startsWith("tether-recv " + out + ": FAILED, stopped (SIGTERM), nothing written; frames sent 0")),
                    recv.tail());
            assertFalse(Files.exists(out));
        }
    }
}
