package dev.cellscope.endpoint.sbi;

import dev.cellscope.wire.Bytes;

/**
 * A finished {@link SbiPeer#put}: the object's root, its chunk count, and how many blocks had to
 * be sent (the peer already held the others); every sent block was ACKed.
 */
public record PutResult(Bytes root, int chunks, int blocksSent) {}
