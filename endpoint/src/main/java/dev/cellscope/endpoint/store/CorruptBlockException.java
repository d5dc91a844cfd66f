package dev.cellscope.endpoint.store;

import dev.cellscope.wire.Bytes;

import java.io.IOException;

/**
 * A block file that no longer hashes to its name. By the time this is thrown the file has been moved out of
 * {@code blocks/} (see {@link ContentStore#get}): the store no longer claims the block, so it counts as missing and
 * is fetched or accepted again. Unlike other {@link IOException}s of the store this is no failure of the store: the
 * caller answers as for an absent block.
 */
public final class CorruptBlockException extends IOException {
    private final transient Bytes cid;

    CorruptBlockException(Bytes cid, String detail) {
        super("block " + cid.hex() + " is corrupt on disk (" + detail + ")");
        this.cid = cid;
    }

    public Bytes cid() {
        return cid;
    }
}
