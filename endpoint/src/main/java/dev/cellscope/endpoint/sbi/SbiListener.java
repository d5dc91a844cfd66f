package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.store.ObjectManifest;

/** Observes an {@link SbiPeer}; called on the scheduler thread. */
@FunctionalInterface
public interface SbiListener {
    /** One human line, e.g. "handshake ok: common HAS_DEFLATE HAS_ZSTD, compression zstd", "NACK sent: hash_mismatch (ref 4)". */
    void onEvent(String event);

    /** An object the remote offered (DAG_SYNC + BLOCK_PUTs) is now complete in the local store. */
    default void onObjectComplete(ObjectManifest manifest) {}
}
