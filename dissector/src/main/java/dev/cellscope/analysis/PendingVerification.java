package dev.cellscope.analysis;

import dev.cellscope.blocks.Verification;

import java.util.concurrent.CompletableFuture;

/** A BLOCK_PUT's verification, done now or on a worker thread; {@link #get()} waits for it. */
public final class PendingVerification {
    private final CompletableFuture<Verification> future;

    PendingVerification(CompletableFuture<Verification> future) {
        this.future = future;
    }

    static PendingVerification done(Verification v) {
        return new PendingVerification(CompletableFuture.completedFuture(v));
    }

    public Verification get() {
        return future.join();
    }
}
