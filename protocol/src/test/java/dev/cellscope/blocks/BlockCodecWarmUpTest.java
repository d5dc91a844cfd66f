package dev.cellscope.blocks;

import dev.cellscope.protocol.sbi.SbiCompression;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The codec warm-up (issue 12 item 8): on a thread of its own, daemon (it never holds a command open), it ends,
 * and the codec works after it, from another thread, as before it.
 */
class BlockCodecWarmUpTest {
    @Test
    void warmsUpOnADaemonThreadThatEndsAndLeavesTheCodecWorking() throws InterruptedException {
        Thread t = BlockCodec.warmUpInBackground();
        assertTrue(t.isDaemon(), "a daemon: a put that ends first is not held open");
        assertEquals("codec-warm-up", t.getName());
        t.join(60_000);
        assertFalse(t.isAlive(), "the warm-up ended");
        assertTrue(BlockCodec.warmUp() > 0);
        byte[] block = new byte[65536];
        Arrays.fill(block, (byte) 'x');
        BlockCodec.Compressed c = BlockCodec.compress(block, SbiCompression.ZSTD);
        assertEquals(SbiCompression.ZSTD, c.algo(), "compressible block compressed");
        try (BlockCodec codec = new BlockCodec()) {
            var d = codec.decompress(SbiCompression.ZSTD.id(), c.data());
            assertNull(d.failure());
            assertArrayEquals(block, d.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }
}
