package dev.cellscope.endpoint.sbi;

import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.SbiMessage;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A stream end that keeps what the peer sends and decodes it with the project's codec. */
final class RecordingStream implements SbiStream {
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    String closeReason;

    @Override
    public void send(byte[] bytes) {
        if (closeReason == null) sent.writeBytes(bytes);
    }

    @Override
    public void close(String reason) {
        if (closeReason == null) closeReason = reason;
    }

    List<SbiMessage> messages() {
        return decodeAll(sent.toByteArray());
    }

    static List<SbiMessage> decodeAll(byte[] all) {
        List<SbiMessage> out = new ArrayList<>();
        int off = 0;
        while (off < all.length) {
            var d = SbiMessage.decode(java.lang.foreign.MemorySegment.ofArray(all), off, all.length - off);
            if (!(d instanceof Decoded.Ok<SbiMessage>(SbiMessage m, int len))) throw new AssertionError("undecodable at " + off + ": " + d);
            out.add(m);
            off += len;
        }
        return out;
    }
}
