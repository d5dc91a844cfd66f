package dev.cellscope.replay.peer;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpReconnect;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.replay.ReplayException;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.SbiFramer;
import dev.cellscope.wire.UtcpPacket;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the UTCP-SBI conversations of a capture for {@code replay --as}: a consumer of a capture
 * session, so UTCP is found wherever the dissector finds it (Ethernet, VLANs, UDP port 34997), and
 * each packet is decoded with the protocol module's codec. Each direction's stream is its DATA
 * payloads in seq order from the SYN's seq on (retransmitted copies count once), cut into messages
 * by the protocol module's {@link SbiFramer}. A direction whose SYN the capture lacks, or with a
 * seq missing before its last DATA, cannot be replayed: its conversation carries the reason
 * ({@link CapturedConversation#problem()}); the others are unaffected.
 */
public final class ConversationReader implements FrameConsumer {
    private record Segment(byte[] payload, long nanos, long frame) {}

    /** One direction of a CellID pair, as seen so far. */
    private static final class Direction {
        long isn = Long.MIN_VALUE;         // position of the SYN; MIN_VALUE until seen
        long near;                         // reference position for unwrapping
        boolean seen, fin;
        long lastNanos;                    // when its sender was last heard from (UtcpReconnect)
        final TreeMap<Long, Segment> data = new TreeMap<>();
    }

    private record Pair(Bytes a, Bytes b) {
        static Pair of(Bytes x, Bytes y) {
            return x.hex().compareTo(y.hex()) <= 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    private static final class Conversation {
        Bytes initiator, responder;        // from the first SYN, else the first frame's sender
        final Map<Bytes, Direction> bySender = new LinkedHashMap<>();
    }

    /** Every conversation in order of its first frame; {@link #current} the live one of each CellID pair. */
    private final List<Conversation> conversations = new ArrayList<>();
    private final Map<Pair, Conversation> current = new LinkedHashMap<>();
    private final LayerLocator locator = new LayerLocator(UtcpFields.UTCP);

    @Override
    public FieldSink sink() {
        locator.reset();
        return locator;
    }

    @Override
    public void frame(Packet p, FrameTiming timing) {
        for (int i = 0; i < locator.count(); i++) packet(p, locator.offset(i));
    }

    /** The UTCP packet at frame offset {@code off} (one of several in a GSO train). */
    private void packet(Packet p, int off) {
        MemorySegment data = p.data();
        if (!(UtcpPacket.decode(data, off, data.byteSize() - off) instanceof Decoded.Ok<UtcpPacket>(UtcpPacket u, int _))) return;
        Bytes src = u.header().src(), dst = u.header().dst();
        int flags = u.header().flags();
        long wire = u.header().seq();
        Conversation c = current.get(Pair.of(src, dst));
        Direction d = c == null ? null : c.bySender.get(src);
        // The pair's next connection, by the peer's own rule: a new stream, as the analysis numbers them.
        boolean newIsn = d != null && UtcpFlags.has(flags, UtcpFlags.SYN) && d.isn != Long.MIN_VALUE && UtcpSeq.wire(d.isn) != wire;
        if (newIsn && UtcpReconnect.replaces(UtcpSeq.wire(d.isn), wire, d.fin, p.timestampNanos() - d.lastNanos)) c = null;
        else if (newIsn) return; // the peer ignores it while the sender talks on the connection
        if (c == null) {
            c = new Conversation();
            current.put(Pair.of(src, dst), c);
            conversations.add(c);
        }
        d = c.bySender.computeIfAbsent(src, _ -> new Direction());
        d.lastNanos = p.timestampNanos();
        if (UtcpFlags.has(flags, UtcpFlags.FIN)) d.fin = true;
        if (!d.seen) {
            d.near = wire;
            d.seen = true;
        }
        long pos = UtcpSeq.unwrap(wire, d.near);
        d.near = pos;
        if (c.initiator == null) {
            c.initiator = src;
            c.responder = dst;
        }
        if (UtcpFlags.has(flags, UtcpFlags.SYN)) {
            if (d.isn == Long.MIN_VALUE) d.isn = pos;
            // The first SYN of the pair names the initiator, even if a stray frame came before it.
            Direction other = c.bySender.get(dst);
            if (other == null || other.isn == Long.MIN_VALUE) {
                c.initiator = src;
                c.responder = dst;
            }
        }
        if (UtcpFlags.has(flags, UtcpFlags.DATA) && u.payload().length() > 0) {
            d.data.putIfAbsent(pos, new Segment(u.payload().toArray(), p.timestampNanos(), p.number()));
        }
    }

    /** The conversations in order of their first frame: those that carried no data in either direction are left out. */
    public List<CapturedConversation> conversations() {
        List<CapturedConversation> out = new ArrayList<>();
        int stream = 0;
        for (Conversation c : conversations) {
            int n = stream++;
            Direction ini = c.bySender.get(c.initiator), res = c.bySender.get(c.responder);
            boolean hasData = (ini != null && !ini.data.isEmpty()) || (res != null && !res.data.isEmpty());
            if (!hasData) continue;
            try {
                out.add(new CapturedConversation(n, c.initiator, c.responder,
                        messages(n, c.initiator, ini), messages(n, c.responder, res), null));
            } catch (ReplayException e) {
                out.add(new CapturedConversation(n, c.initiator, c.responder, List.of(), List.of(), e.getMessage()));
            }
        }
        return out;
    }

    private static List<CapturedMessage> messages(int stream, Bytes sender, Direction d) throws ReplayException {
        if (d == null || d.data.isEmpty()) return List.of();
        String who = "conversation " + stream + ", from " + sender.hex();
        if (d.isn == Long.MIN_VALUE) {
            throw new ReplayException(who + ": the capture has no SYN of this direction, so where its stream starts is unknown");
        }
        ByteArrayOutputStream stream0 = new ByteArrayOutputStream();
        List<long[]> ends = new ArrayList<>();            // per packet: {stream end offset, nanos, frame}
        long next = d.isn + 1;
        for (Map.Entry<Long, Segment> e : d.data.tailMap(d.isn + 1).entrySet()) {
            if (e.getKey() != next) {
                throw new ReplayException(who + ": seqs " + UtcpSeq.wire(next) + " to " + UtcpSeq.wire(e.getKey() - 1)
                        + " are missing from the capture, so the messages after them cannot be cut");
            }
            Segment s = e.getValue();
            stream0.writeBytes(s.payload());
            ends.add(new long[] {stream0.size(), s.nanos(), s.frame()});
            next++;
        }
        byte[] bytes = stream0.toByteArray();
        List<CapturedMessage> messages = new ArrayList<>();
        String[] refused = {null};
        long[] at = {0};
        new SbiFramer().feed(bytes, new SbiFramer.Sink() {
            @Override
            public boolean message(MemorySegment seg, long off, int len, boolean inInput) {
                byte[] m = new byte[len];
                MemorySegment.copy(seg, off, MemorySegment.ofArray(m), 0, len);
                long start = at[0], end = at[0] + len;
                long[] first = packetHolding(ends, start), last = packetHolding(ends, end - 1);
                messages.add(new CapturedMessage(messages.size(), m, first[1], last[1], last[2]));
                at[0] = end;
                return true;
            }

            @Override
            public void frameLenRejected(long frameLen, boolean atStreamStart) {
                refused[0] = "frame_len " + frameLen + " at stream byte " + at[0] + " is not a UTCP-SBI message";
            }
        });
        if (refused[0] != null) throw new ReplayException(who + ": " + refused[0]);
        return messages;
    }

    /** The packet record whose bytes include stream offset {@code off}. */
    private static long[] packetHolding(List<long[]> ends, long off) {
        int lo = 0, hi = ends.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends.get(mid)[0] > off) hi = mid;
            else lo = mid + 1;
        }
        return ends.get(lo);
    }
}
