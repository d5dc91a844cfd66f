package dev.cellscope.analysis;

import dev.cellscope.blocks.BlockCodec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Worker threads that decompress and hash BLOCK_PUTs in parallel (every block is independent).
 * Each worker keeps its own {@link BlockCodec}, whose contexts and buffers are reused.
 */
final class VerificationPool {
    private VerificationPool() {}

    private static final ThreadLocal<BlockCodec> VERIFIER = ThreadLocal.withInitial(BlockCodec::new);

    private static final class Holder {
        static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                r -> Thread.ofPlatform().name("cellscope-verify-", 0).daemon(true).unstarted(r));
    }

    static ExecutorService executor() {
        return Holder.POOL;
    }

    /** The calling worker's verifier. */
    static BlockCodec verifier() {
        return VERIFIER.get();
    }
}
