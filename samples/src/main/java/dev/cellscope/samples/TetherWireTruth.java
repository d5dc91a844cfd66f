package dev.cellscope.samples;

import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.field.TetherFields;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The runner's own account of the Tether frames on the wire, per direction: frames sent, dropped
 * and recorded by kind, data slots sent and re-sent, singleton and bulk Nacks, grants, the data
 * flow's credit (as the wire delivered grants and the sender spent) and every Manifest with what
 * the tap had seen of its flow when it was recorded. Counted from the frames, not by the dissector.
 */
final class TetherWireTruth {
    private final Map<String, Direction> directions = new TreeMap<>();
    /** Credit per (sender, target, flow) as PROTOCOLS.md counts it, over frames the wire delivered / the tap recorded. */
    private final Map<String, long[]> delivered = new TreeMap<>(), atTap = new TreeMap<>();

    static String kind(TetherFrame f) {
        TetherHeader h = f.header();
        boolean lamp = (h.flags() & TetherFields.LAMP) != 0;
        if (h.flowId() == 0) {
            TetherControl c = f.payload().length() == 0 ? null
                    : f.control() instanceof Decoded.Ok<TetherControl>(TetherControl x, int ignored) ? x : null;
            return switch (c) {
                case TetherControl.Hail ignored -> lamp ? "lamp" : "hail";
                case TetherControl.Define ignored -> "define";
                case TetherControl.Manifest ignored -> "manifest";
                case TetherControl.BulkNack ignored -> "bulk_nack";
                case null -> "control_header";
                default -> "control_other";
            };
        }
        if (f.payload().length() > 0) return "data";
        if (h.nackSlot() != 0) return "singleton_nack";
        if ((h.flags() & TetherFields.SYNC) != 0) return "confirm";
        if (h.grantAmount() != 0) return "grant";
        return lamp ? "probe" : "header_only";
    }

    String describe(TetherFrame f) {
        TetherHeader h = f.header();
        String k = kind(f);
        return "Tether " + k + " flow " + h.flowId() + (k.equals("data") || k.equals("probe") ? " slot " + h.slotId() : "")
                + (k.equals("singleton_nack") ? " slot " + h.nackSlot() : "");
    }

    /** One frame on the wire; {@code frameNumber} is the capture frame it becomes when the tap records it. */
    void observe(String from, String to, TetherFrame f, Fate fate, long frameNumber) {
        Direction d = directions.computeIfAbsent(from + ">" + to, k -> new Direction(from, to));
        TetherHeader h = f.header();
        String kind = kind(f);
        boolean original = fate != Fate.DUPLICATED, recorded = fate != Fate.DROPPED;
        long len = f.encodedSize();
        boolean lamp = (h.flags() & TetherFields.LAMP) != 0;
        if (original) d.sent.merge(kind, 1L, Long::sum);
        if (fate == Fate.DROPPED) d.dropped.merge(kind, 1L, Long::sum);
        if (recorded) d.recorded.merge(kind, 1L, Long::sum);
        // Credit: a grant counts once the wire delivers it (the endpoint drops wire duplicates); a non-LAMP frame spends its length.
        String granted = String.format("%012x>%012x/%d", h.target(), h.sender(), h.flowId()),
                spender = String.format("%012x>%012x/%d", h.sender(), h.target(), h.flowId());
        if (h.grantAmount() != 0) {
            if (original) { d.grantFrames++; d.grantBytes += h.grantAmount(); }
            if (original && recorded) delivered.computeIfAbsent(granted, k -> new long[] {0, Long.MAX_VALUE, 0})[0] += h.grantAmount();
            if (recorded) d.grantFramesRecorded++;
            if (recorded) atTap.computeIfAbsent(granted, k -> new long[] {0, Long.MAX_VALUE, 0})[0] += h.grantAmount();
        }
        if (!lamp && h.flowId() != 0) {
            if (original) spend(delivered, spender, len, d, false);
            if (recorded) spend(atTap, spender, len, d, true);
        }
        switch (kind) {
            case "data" -> {
                // A re-send is the sender's send of a slot it sent before: the stack re-sends only what a
                // NACK asked for. The tap's count is the re-sends it recorded, whether or not it recorded
                // the original (PROTOCOLS.md's rule for UTCP retransmissions); a wire duplicate is no re-send.
                boolean resend = false;
                if (original) {
                    resend = d.slotSends.merge(h.slotId(), 1, Integer::sum) > 1;
                    if (resend) d.resends++;
                    if (fate == Fate.DROPPED) d.slotsLost.add(h.slotId());
                }
                if (recorded) {
                    d.tapSlots.computeIfAbsent(h.flowId(), k -> new TreeSet<>()).add(h.slotId());
                    d.tapDataFrames.merge(h.flowId(), 1L, Long::sum);
                    if (resend) d.resendFramesRecorded.add(frameNumber);
                }
            }
            case "singleton_nack" -> { if (original) d.singletonNackSlots.add(h.nackSlot()); }
            case "bulk_nack" -> {
                if (original && f.control() instanceof Decoded.Ok<TetherControl>(TetherControl.BulkNack n, int ignored)) {
                    List<Long> slots = new ArrayList<>();
                    for (long s : n.slots()) slots.add(s);
                    d.bulkNacks.add(slots);
                }
            }
            case "manifest" -> {
                if (recorded && f.control() instanceof Decoded.Ok<TetherControl>(TetherControl.Manifest m, int ignored)) {
                    // The Manifest goes from the data sender; the tap's view of that flow is in the same direction.
                    Map<String, Object> e = Json.object();
                    long slots = d.tapSlots.getOrDefault(m.targetFlow(), new TreeSet<>()).size();
                    long frames = d.tapDataFrames.getOrDefault(m.targetFlow(), 0L);
                    e.put("flow", m.targetFlow());
                    e.put("total_slots", m.totalSlots());
                    e.put("total_frames", m.totalFrames());
                    e.put("tap_distinct_slots", slots);
                    e.put("tap_data_frames", frames);
                    e.put("tap_matches", slots == m.totalSlots() && frames == m.totalFrames());
                    d.manifests.add(e);
                }
            }
            default -> { }
        }
    }

    private static void spend(Map<String, long[]> ledger, String key, long len, Direction d, boolean tap) {
        long[] c = ledger.computeIfAbsent(key, k -> new long[] {0, Long.MAX_VALUE, 0});
        if (c[0] < len) {
            if (tap) d.overrunFramesAtTap++;
            else d.overrunFrames++;
        }
        c[0] -= len;
        c[1] = Math.min(c[1], c[0]);
        c[2]++;
    }

    private static final class Direction {
        final String from, to;
        final TreeMap<String, Long> sent = new TreeMap<>(), dropped = new TreeMap<>(), recorded = new TreeMap<>();
        final TreeMap<Long, Integer> slotSends = new TreeMap<>();
        final List<Long> resendFramesRecorded = new ArrayList<>();
        final TreeSet<Long> slotsLost = new TreeSet<>();
        final List<Long> singletonNackSlots = new ArrayList<>();
        final List<List<Long>> bulkNacks = new ArrayList<>();
        final TreeMap<Integer, TreeSet<Long>> tapSlots = new TreeMap<>();
        final TreeMap<Integer, Long> tapDataFrames = new TreeMap<>();
        final List<Map<String, Object>> manifests = new ArrayList<>();
        long resends, grantFrames, grantBytes, grantFramesRecorded, overrunFrames, overrunFramesAtTap;

        Direction(String from, String to) {
            this.from = from;
            this.to = to;
        }
    }

    /** One entry per direction, then the credit ledgers. */
    Map<String, Object> truth() {
        Map<String, Object> t = Json.object();
        List<Map<String, Object>> dirs = new ArrayList<>();
        for (Direction d : directions.values()) {
            Map<String, Object> m = Json.object();
            m.put("from", d.from);
            m.put("to", d.to);
            m.put("frames_sent", new TreeMap<>(d.sent));
            m.put("frames_dropped", new TreeMap<>(d.dropped));
            m.put("frames_recorded", new TreeMap<>(d.recorded));
            m.put("data_slots", d.slotSends.size());
            m.put("data_slots_lost", List.copyOf(d.slotsLost));
            TreeSet<Long> resent = new TreeSet<>();
            d.slotSends.forEach((s, n) -> { if (n > 1) resent.add(s); });
            m.put("data_slots_resent", List.copyOf(resent));
            m.put("data_resends", d.resends);
            m.put("data_resends_recorded", d.resendFramesRecorded.size());
            m.put("data_resend_frames_recorded", d.resendFramesRecorded);
            m.put("singleton_nacks_sent", d.singletonNackSlots.size());
            m.put("singleton_nack_slots", d.singletonNackSlots);
            m.put("bulk_nacks_sent", d.bulkNacks.size());
            m.put("bulk_nack_slots", d.bulkNacks);
            m.put("grant_frames_sent", d.grantFrames);
            m.put("grant_frames_recorded", d.grantFramesRecorded);
            m.put("grant_bytes_sent", d.grantBytes);
            m.put("credit_overrun_frames", d.overrunFrames);
            m.put("credit_overrun_frames_at_tap", d.overrunFramesAtTap);
            m.put("manifests_recorded", d.manifests);
            dirs.add(m);
        }
        t.put("directions", dirs);
        t.put("credit_rule", "per sender>target/flow: grants in frames the wire delivered (resp. the tap recorded) minus the length "
                + "of every non-LAMP frame sent (resp. recorded) on that flow; an overrun frame is one sent with less credit than its length");
        t.put("credit", ledger(delivered));
        t.put("credit_at_tap", ledger(atTap));
        return t;
    }

    private static Map<String, Object> ledger(Map<String, long[]> l) {
        Map<String, Object> m = Json.object();
        l.forEach((k, c) -> {
            if (c[2] == 0) return; // only flows something was spent on
            Map<String, Object> e = Json.object();
            e.put("final", c[0]);
            e.put("min", c[1]);
            e.put("frames_spending", c[2]);
            m.put(k, e);
        });
        return m;
    }
}
