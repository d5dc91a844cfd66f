package dev.cellscope.replay.peer;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.crypto.Identities;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.TetherFields;
import dev.cellscope.io.Packet;
import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the Tether flows of a capture for {@code replay --as tether-sender}: a consumer of a
 * capture session, so Tether is found wherever the dissector finds it (Ethernet, VLANs, UDP), each
 * frame decoded with the protocol module's codec. A frame whose CRC-64 does not match is ignored,
 * as a receiver would. A flow is its sender's Define on flow 0, the data slots on the flow (the
 * first intact copy of each; re-sends carry the same bytes), the last Manifest, and the frames the
 * receiver sent the sender ({@link TetherAnswer#of}). Padding is cut at Define's total_bytes.
 * A flow without a Define or a Manifest, or with a slot that no captured frame carries, cannot be
 * replayed and says why; the others are unaffected.
 */
public final class TetherFlowReader implements FrameConsumer {
    /** Slots a Define may announce before the reader refuses it (1 GiB of 64-byte slots would be 2^24). */
    private static final long MAX_SLOTS = 1L << 24;

    private record Key(long sender, long receiver, int flow) {}

    private static final class Flow {
        TetherControl.Define define;
        TetherControl.Manifest manifest;
        final TreeMap<Long, byte[]> slots = new TreeMap<>();
    }

    private final Map<Key, Flow> flows = new LinkedHashMap<>();
    /** Control and header-only frames in capture order, kept until the flows are known (data frames are not answers). */
    private final List<TetherFrame> answersSeen = new ArrayList<>();
    private final LayerLocator locator = new LayerLocator(TetherFields.TETHER);

    @Override
    public FieldSink sink() {
        locator.reset();
        return locator;
    }

    @Override
    public void frame(Packet p, FrameTiming timing) {
        for (int i = 0; i < locator.count(); i++) tetherFrame(p, locator.offset(i), locator.length(i));
    }

    /** The Tether frame the dissector found at {@code off} (one of several in a GSO train), {@code claimed} bytes. */
    private void tetherFrame(Packet p, int off, int claimed) {
        MemorySegment data = p.data();
        long len = Math.min(claimed, data.byteSize() - off) / TetherFrame.BLOCK * TetherFrame.BLOCK; // an Ethernet trailer is not Tether
        if (!(TetherFrame.decode(data, off, len) instanceof Decoded.Ok<TetherFrame>(TetherFrame f, int _))) return;
        if (Crc64GoIso.tetherChecksum(data, off, len) != f.header().checksum()) return;
        var h = f.header();
        if (h.flowId() == 0 && f.payload().length() > 0 && f.control() instanceof Decoded.Ok<TetherControl>(TetherControl c, int _)) {
            switch (c) {
                case TetherControl.Define d -> flow(h.sender(), h.target(), d.targetFlow()).define = d;
                case TetherControl.Manifest m -> flow(h.sender(), h.target(), m.targetFlow()).manifest = m;
                default -> { }
            }
        } else if (h.flowId() != 0 && f.payload().length() > 0 && !TetherFlags.isLamp(h.flags())) {
            flow(h.sender(), h.target(), h.flowId()).slots.putIfAbsent(h.slotId(), f.payload().toArray());
        }
        if (h.flowId() == 0 || f.payload().length() == 0) answersSeen.add(f); // answers are control or header-only
    }

    private Flow flow(long sender, long receiver, int flow) {
        return flows.computeIfAbsent(new Key(sender, receiver, flow), _ -> new Flow());
    }

    /** The flows with a Define, data or a Manifest, in order of their first frame. */
    public List<CapturedTetherFlow> flows() {
        List<CapturedTetherFlow> out = new ArrayList<>();
        for (Map.Entry<Key, Flow> e : flows.entrySet()) {
            Key k = e.getKey();
            Flow f = e.getValue();
            List<TetherAnswer> answers = new ArrayList<>();
            for (TetherFrame fr : answersSeen) {
                if (fr.header().sender() != k.receiver() || fr.header().target() != k.sender()) continue;
                TetherAnswer a = TetherAnswer.of(fr, k.flow());
                if (a != null) answers.add(a);
            }
            String problem = problem(k, f);
            byte[] content = problem == null ? content(f) : null;
            TetherControl.Manifest m = f.manifest;
            out.add(new CapturedTetherFlow(k.sender(), k.receiver(), k.flow(), f.define == null ? 0 : f.define.slotSize(),
                    f.define == null ? 0 : f.define.totalBytes(), m == null ? 0 : m.checksum(), m == null ? 0 : m.totalSlots(),
                    m == null ? 0 : m.totalFrames(), content, answers, problem));
        }
        return out;
    }

    private static String problem(Key k, Flow f) {
        String who = "Tether flow " + k.flow() + " from " + Identities.formatTetherId(k.sender()) + " to " + Identities.formatTetherId(k.receiver());
        if (f.define == null) return who + ": the capture has no intact Define, so its slot size and length are unknown";
        if (f.manifest == null) return who + ": the capture has no intact Manifest, so what the sender vouched for is unknown";
        long size = f.define.slotSize(), total = f.define.totalBytes();
        if (size <= 0) return who + ": its Define announces slot_size 0";
        long n = (total + size - 1) / size;
        if (n > MAX_SLOTS) return who + ": its Define announces " + n + " slots, more than a replay holds (" + MAX_SLOTS + ")";
        List<String> missing = new ArrayList<>();
        for (long s = 0; s < n && missing.size() <= 10; s++) {
            byte[] b = f.slots.get(s);
            if (b == null || b.length < Math.min(size, total - s * size)) missing.add(Long.toString(s));
        }
        if (!missing.isEmpty()) {
            return who + ": slot" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? " and more" : "") + " of " + n + (missing.size() > 1 ? " are" : " is") + " missing from the capture (no intact copy), so its content cannot be rebuilt";
        }
        long crc = Crc64GoIso.compute(content(f));
        if (crc != f.manifest.checksum()) {
            return who + ": the content rebuilt from the captured slots has CRC-64 " + Long.toHexString(crc) + ", its Manifest says "
                    + Long.toHexString(f.manifest.checksum()) + ": the capture does not hold the bytes the sender sent";
        }
        return null;
    }

    private static byte[] content(Flow f) {
        long size = f.define.slotSize(), total = f.define.totalBytes();
        byte[] out = new byte[Math.toIntExact(total)];
        for (long s = 0; s * size < total; s++) {
            System.arraycopy(f.slots.get(s), 0, out, (int) (s * size), (int) Math.min(size, total - s * size));
        }
        return out;
    }
}
