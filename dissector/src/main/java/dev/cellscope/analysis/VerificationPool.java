package dev.cellscope.analysis;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Worker threads that decompress and hash BLOCK_PUTs in parallel (every block is independent).
 * Each worker keeps its own {@link BlockVerifier}, whose contexts and buffers are reused.
 */
final class VerificationPool {
    private VerificationPool() {}

    private static final ThreadLocal<BlockVerifier> VERIFIER = ThreadLocal.withInitial(BlockVerifier::new);

    private static final class Holder {
        static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                r -> Thread.ofPlatform().name("cellscope-verify-", 0).daemon(true).unstarted(r));
    }

    static ExecutorService executor() {
        return Holder.POOL;
    }

    /** The calling worker's verifier. */
    static BlockVerifier verifier() {
        return VERIFIER.get();
    }
}
