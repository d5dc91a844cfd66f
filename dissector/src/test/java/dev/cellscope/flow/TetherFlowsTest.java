package dev.cellscope.flow;

import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.cellscope.flow.FlowCapture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tether rows against a scripted exchange with random loss and send delays (fixed seed): Lamp and
 * Hail, Define, grants on the data flow, slots lost on the wire, singleton and bulk NACKs, re-sends,
 * a matching Manifest, and a second flow that overruns and closes with a wrong Manifest. The
 * script keeps its own books by PROTOCOLS.md section 3 as it sends; every CSV value is checked
 * against them.
 */
class TetherFlowsTest {
    static final long A = 0xAC1D11223344L, B = 0xAC1D55667788L, C = 0xAC1D99AABBCCL;
    static final int LAMP = 1;

    /** The books of one direction (sender, target, flow), kept by the script. */
    static final class Books {
        long packets, bytes, blocks, dataFrames, grants, grantBytes, spent, balance, overruns, lamps, singleton, bulk, resent;
        long creditMin = Long.MAX_VALUE, first = -1, last, firstFrame, lastFrame;
        boolean accounted;
        String manifest = "none";
        final List<Long> delays = new ArrayList<>();
        final Set<Long> slots = new HashSet<>(); // slots the tap saw
        final Set<Long> asked = new HashSet<>(); // slots the target NACKed and the sender has not re-sent since
    }

    record Key(long sender, long target, int flow) {}

    static final class Script {
        final FlowCapture capture = new FlowCapture();
        final Map<Key, Books> books = new LinkedHashMap<>();
        final Random rnd;
        long now = 1_795_867_200_000_000_000L;

        Script(long seed) {
            rnd = new Random(seed);
        }

        Books of(long sender, long target, int flow) {
            return books.computeIfAbsent(new Key(sender, target, flow), k -> new Books());
        }

        /** Sends a frame that the tap sees; books it as the sender's and the target's ledgers would. */
        void send(int flow, int flags, long sender, long target, long slot, long grant, long nack, TetherControl control, int payload) {
            now += 200_000 + rnd.nextInt(800_000);
            long sendTime = now - 50_000 - rnd.nextInt(450_000);
            TetherHeader h = new TetherHeader(flow, flags, 0, sender, target, Tai64n.nanoOf(sendTime), slot, grant, nack, 0,
                    Tai64n.labelOf(sendTime));
            TetherFrame f = control != null ? TetherFrame.control(h, control) : new TetherFrame(h, Bytes.zeros(payload));
            byte[] frame = capture.add(now, tether(f));
            int tetherLen = frame.length - 14;
            Books self = of(sender, target, flow);
            self.packets++;
            self.bytes += frame.length;
            self.blocks += tetherLen / 64;
            if (self.first < 0) {
                self.first = now;
                self.firstFrame = capture.packets.size();
            }
            self.last = now;
            self.lastFrame = capture.packets.size();
            self.delays.add(now - sendTime);
            long spend = (flags & LAMP) != 0 ? 0 : tetherLen;
            if (spend > self.balance) self.overruns++;
            self.balance -= spend;
            self.spent += spend;
            self.accounted = true;
            self.creditMin = Math.min(self.creditMin, self.balance);
            if ((flags & LAMP) != 0) self.lamps++;
            if (flow != 0 && tetherLen > 64) {
                self.dataFrames++;
                self.slots.add(slot);
                // A re-send is a slot an earlier NACK asked for, whether or not the tap saw the original (PROTOCOLS.md).
                if (self.asked.remove(slot)) self.resent++;
            }
            if (grant != 0) {
                Books back = of(target, sender, flow);
                back.grants++;
                back.grantBytes += grant;
                back.balance += grant;
            }
            if (nack != 0 && flow != 0) {
                of(target, sender, flow).singleton++;
                of(target, sender, flow).asked.add(nack);
            }
            if (control instanceof TetherControl.BulkNack n) {
                of(target, sender, n.targetFlow()).bulk += n.slots().length;
                for (long x : n.slots()) of(target, sender, n.targetFlow()).asked.add(x);
            }
            if (control instanceof TetherControl.Manifest m) {
                Books d = of(sender, target, m.targetFlow());
                d.manifest = m.totalSlots() == d.slots.size() && m.totalFrames() == d.dataFrames ? "yes" : "no";
            }
        }

        void data(int flow, long sender, long target, long slot, int payload) {
            send(flow, 0, sender, target, slot, 0, 0, null, payload);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 2026})
    void everyValueMatchesTheScript(long seed) {
        Script s = new Script(seed);
        // Discovery: a Lamp with Grant 128 and a Hail; the reply Hail grants 4096 on the control plane.
        s.send(0, LAMP, A, B, 0, 128, 0, new TetherControl.Hail(1, 0x3), 0);
        s.send(0, 0, B, A, 0, 4096, 0, new TetherControl.Hail(1, 0x1), 0);
        int slots = 40, slotSize = 256;
        s.send(0, 0, A, B, 0, 1024, 0, new TetherControl.Define(1, slotSize, (long) slots * slotSize), 0);
        // The receiver grants on the data flow with LAMP header-only frames (which spend nothing).
        s.send(1, LAMP, B, A, 0, 8192, 0, null, 0);
        List<Long> lost = new ArrayList<>();
        for (long slot = 1; slot <= slots; slot++) {
            if (slot == slots / 2) s.send(1, LAMP, B, A, 0, 8192, 0, null, 0);
            if (slot == 3 || slot > 5 && s.rnd.nextDouble() < 0.15) {
                lost.add(slot); // sent, and lost on the wire: the tap never sees it
            } else {
                s.data(1, A, B, slot, slotSize);
            }
        }
        // The first missing slot is NACKed in a header, the others in a bulk Nack on the control plane.
        s.send(1, LAMP, B, A, 0, 4096, lost.getFirst(), null, 0);
        if (lost.size() > 1) {
            long[] rest = lost.subList(1, lost.size()).stream().mapToLong(Long::longValue).toArray();
            s.send(0, 0, B, A, 0, 0, 0, new TetherControl.BulkNack(1, rest), 0);
        }
        for (long slot : lost) s.data(1, A, B, slot, slotSize);
        s.data(1, A, B, 5, slotSize); // sent again without a NACK: a copy, not a re-send
        Books ab1 = s.of(A, B, 1);
        s.send(0, 0, A, B, 0, 0, 0, new TetherControl.Manifest(1, 0x1234, ab1.slots.size(), ab1.dataFrames), 0);
        // Flow 2: no grant at all, so every frame overruns; its Manifest undercounts.
        s.data(2, A, B, 1, 128);
        s.data(2, A, B, 2, 128);
        s.send(0, 0, A, B, 0, 0, 0, new TetherControl.Manifest(2, 0, 1, 1), 0);
        // A third party only lights a Lamp.
        s.send(0, LAMP, C, B, 0, 128, 0, new TetherControl.Hail(1, 0), 0);

        List<FlowRow> rows = s.capture.rows(FlowTable.Config.DEFAULT, EnumSet.of(FlowKind.TETHER));
        List<Map<String, String>> csv = parse(csv(rows, EnumSet.of(FlowKind.TETHER)));
        assertEquals(s.books.size(), csv.size(), "one row per direction the script used");
        for (var e : s.books.entrySet()) {
            Key k = e.getKey();
            Map<String, String> row = byKey(csv, "sender", id(k.sender()), "target", id(k.target()), "flow", Integer.toString(k.flow()));
            check(expected(k, e.getValue()), row, "seed " + seed + " " + k);
        }
        assertTrue(s.of(A, B, 2).overruns == 2 && s.of(A, B, 1).manifest.equals("yes") && s.of(A, B, 2).manifest.equals("no"));
    }

    static String id(long v) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", v >>> 40 & 0xFF, v >>> 32 & 0xFF, v >>> 24 & 0xFF,
                v >>> 16 & 0xFF, v >>> 8 & 0xFF, v & 0xFF);
    }

    static Map<String, String> expected(Key k, Books b) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "tether");
        m.put("sender", id(k.sender()));
        m.put("target", id(k.target()));
        m.put("flow", Integer.toString(k.flow()));
        if (b.first >= 0) {
            times(m, b.first, b.last, b.firstFrame, b.lastFrame);
        } else {
            for (String c : List.of("first_time", "first_epoch_s", "last_time", "last_epoch_s", "duration_s", "first_frame", "last_frame")) {
                m.put(c, "");
            }
        }
        UtcpFlowsTest.put(m, "packets", b.packets, "bytes", b.bytes, "blocks", b.blocks, "data_frames", b.dataFrames,
                "grants_received", b.grants, "grant_bytes_received", b.grantBytes, "bytes_spent", b.spent);
        m.put("credit_min_bytes", b.accounted ? Long.toString(b.creditMin) : "");
        m.put("credit_final_bytes", Long.toString(b.balance));
        UtcpFlowsTest.put(m, "overruns", b.overruns, "lamps", b.lamps, "nack_slots_singleton", b.singleton,
                "nack_slots_bulk", b.bulk, "slots_resent", b.resent, "manifest_match", b.manifest);
        m.put("delay_p50_ms", pct(b.delays, 50));
        m.put("delay_p99_ms", pct(b.delays, 99));
        return m;
    }
}
