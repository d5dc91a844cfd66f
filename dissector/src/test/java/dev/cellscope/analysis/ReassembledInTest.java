package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.SbiFields;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PROTOCOLS.md section 4: "every frame that carried part of [a message] names that frame in sbi.reassembled_in" -
 * also a frame that completes an earlier message and starts the next (found by the independent encoder: such a
 * frame showed only the message it completes, not where the one it starts is reassembled).
 */
class ReassembledInTest {
    private static final byte[] A = LossyTransfer.cell(0x0a), B = LossyTransfer.cell(0x0b);

    @TempDir
    Path dir;

    @Test
    void aFrameThatCompletesOneMessageAndStartsTheNextNamesWhereTheNextIsReassembled() throws Exception {
        byte[] stream = concat(ack(1), ack(2)); // two 37-byte messages
        Path file = dir.resolve("straddle.pcapng");
        try (HostileCapture c = new HostileCapture(file)) {
            c.utcp(A, B, 100, UtcpFlags.SYN, new byte[0]);                                    // frame 1
            c.utcp(B, A, 500, UtcpFlags.SYN, new byte[0]);                                    // frame 2
            c.utcp(A, B, 101, UtcpFlags.DATA, Arrays.copyOfRange(stream, 0, 20));             // 3: first part of message 0
            c.utcp(A, B, 102, UtcpFlags.DATA, Arrays.copyOfRange(stream, 20, 50));            // 4: completes 0, starts 1
            c.utcp(A, B, 103, UtcpFlags.DATA, Arrays.copyOfRange(stream, 50, stream.length)); // 5: completes 1
        }
        List<List<Long>> links = new ArrayList<>();
        new CaptureSession(new FileSource(file), SessionOptions.of(new AnalysisConfig(null, true, false)).withTwoPass(true))
                .run(new Links(links));
        assertEquals(List.of(List.of(), List.of(), List.of(4L), List.of(5L), List.of()), links);
    }

    /** Collects each frame's sbi.reassembled_in values. */
    private record Links(List<List<Long>> frames) implements FrameConsumer {
        @Override
        public FieldSink sink() {
            List<Long> current = new ArrayList<>();
            return new FieldSink() {
                @Override public boolean wants(FieldDef f) { return f == SbiFields.REASSEMBLED_IN; }
                @Override public boolean wantsExperts() { return false; }
                @Override public void protocol(FieldDef f, int offset, int length) {}
                @Override public void number(FieldDef f, int offset, int length, long value) { current.add(value); }
                @Override public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int n) {}
                @Override public void text(FieldDef f, int offset, int length, String value) {}
                @Override public void expert(Expert expert, int offset, int length) {}
                @Override public void endFrame() {
                    frames.add(List.copyOf(current));
                    current.clear();
                }
            };
        }
    }

    private static byte[] ack(int refSeq) {
        byte[] container = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(refSeq).array();
        return ByteBuffer.allocate(5 + 24 + 8).putInt(24 + 8).put((byte) 0xF0).put((byte) 'S').put((byte) 'B').put((byte) 1)
                .put((byte) 0).order(ByteOrder.LITTLE_ENDIAN).putInt(8).put(SchemaFingerprints.forOp(0xF0)).put(container).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
