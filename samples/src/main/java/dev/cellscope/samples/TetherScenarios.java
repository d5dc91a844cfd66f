package dev.cellscope.samples;

import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.tether.Reception;
import dev.cellscope.endpoint.tether.SendResult;
import dev.cellscope.endpoint.tether.TetherReceiver;
import dev.cellscope.endpoint.tether.TetherReceiverConfig;
import dev.cellscope.endpoint.tether.TetherSender;
import dev.cellscope.endpoint.tether.TetherSenderConfig;
import dev.cellscope.endpoint.tether.TetherStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Tether scenarios made by the real endpoint stack ({@link TetherSender} → {@link TetherReceiver})
 * over the runner's seeded {@code MemoryWire}: Alice sends one object to Bob.
 */
final class TetherScenarios {
    private TetherScenarios() {}

    /** Frames Alice's misbehaving sender pushes past its grant in tether-overrun (four 1 KiB slots). */
    static final long OVERRUN_BYTES = 4 * (64 + 1024);

    /**
     * Cold start (Lamp/Hail), Define, grants as Bob's window drains, data slots, singleton and
     * bulk Nack recovery over {@code faults}, Manifest and its confirmation. {@code overrun} &gt; 0
     * makes Alice ignore her credit for that many bytes ({@link TetherSenderConfig#withOverrun}).
     */
    static Map<String, Object> transfer(String name, Path out, FaultModel faults, long seed, int bytes, long overrun) throws IOException {
        // The misbehaving sender gets a small window so that it runs out of credit (and overruns) early.
        long window = overrun > 0 ? 16 * 1024 : 64 * 1024;
        Map<String, Object> t = Json.object();
        t.put("scenario", name);
        t.put("seed", seed);
        t.put("made_by", "endpoint stack (TetherSender, TetherReceiver) over a seeded MemoryWire in virtual time");
        t.put("start_time_ns", ScenarioRunner.START);
        try (ScenarioRunner r = new ScenarioRunner(out, faults, seed)) {
            NodeIdentity alice = r.identity("alice", seed * 1000 + 1), bob = r.identity("bob", seed * 1000 + 2);
            // Tether nodes use their Tether IDs as MAC addresses (PROTOCOLS.md section 3).
            r.node("alice", alice.tetherId());
            r.node("bob", bob.tetherId());
            byte[] content = new byte[bytes];
            new Random(seed).nextBytes(content);

            TetherReceiverConfig rc = TetherReceiverConfig.of(bob.tetherId()).withWindow(window);
            TetherSenderConfig sc = TetherSenderConfig.of(alice.tetherId(), bob.tetherId()).withOverrun(overrun);
            Reception[] got = new Reception[1];
            TetherReceiver<String> receiver = new TetherReceiver<>(r.wire.port("bob"), r.scheduler, rc).onReception(x -> got[0] = x).start();
            List<Long> overrunSlots = new java.util.ArrayList<>();
            TetherSender<String> sender = new TetherSender<>(r.wire.port("alice"), r.scheduler, "bob", sc, content).listener(e -> {
                if (e.startsWith("fault injection: slot ")) overrunSlots.add(Long.parseLong(e.split(" ")[3]));
            });
            r.comment(overrun > 0
                    ? "Alice (misbehaving: sends " + overrun + " bytes past her grant) lights a Lamp to Bob and sends " + bytes + " bytes over Tether"
                    : "Alice lights a Lamp to Bob (cold start) and sends " + bytes + " bytes over Tether");
            CompletableFuture<SendResult> done = sender.start();
            Scenarios.waitFor(r, done::isDone, name + ": the Tether transfer did not finish");
            r.scheduler.runFor(Scenarios.SECOND);
            SendResult res = done.join();

            Map<String, Object> tether = Json.object();
            tether.put("flow", sc.flow());
            tether.put("slot_size", sc.slotSize());
            tether.put("content_bytes", bytes);
            tether.put("sender_overrun_bytes", overrun);
            tether.put("receiver_window", rc.window());
            tether.put("slots_sent_without_credit", overrunSlots); // the sender's own account of its overrun
            tether.put("result", res.status().name().toLowerCase(java.util.Locale.ROOT));
            tether.put("total_slots", res.totalSlots());
            tether.put("manifest_total_frames", res.totalFrames());
            tether.put("manifest_checksum", String.format("%016x", res.checksum()));
            tether.put("received", got[0] != null);
            tether.put("received_checksum_ok", got[0] != null && got[0].checksumOk());
            tether.put("received_totals_ok", got[0] != null && got[0].totalsOk());
            tether.put("received_content_intact", got[0] != null && Arrays.equals(content, got[0].content()));
            tether.put("sender_stats", stats(sender.stats()));
            tether.put("receiver_stats", stats(receiver.stats()));
            tether.putAll(r.tether.truth());
            t.put("nodes", Scenarios.nodes(List.of("alice", alice, "bob", bob)));
            t.put("wire", r.wireTruth());
            t.put("tether", tether);
        }
        return t;
    }

    private static Map<String, Object> stats(TetherStats s) {
        Map<String, Object> m = Json.object();
        m.put("frames_sent", s.framesSent());
        m.put("bytes_sent", s.bytesSent());
        m.put("frames_received", s.framesReceived());
        m.put("grants_given", s.grantsGiven());
        m.put("grant_bytes_given", s.grantBytesGiven());
        m.put("grant_bytes_received", s.grantBytesReceived());
        m.put("credit_min", s.creditMin() == Long.MAX_VALUE ? null : s.creditMin());
        m.put("singleton_nacks", s.singletonNacks());
        m.put("bulk_nacks", s.bulkNacks());
        m.put("nacked_slots", s.nackedSlots());
        m.put("resends", s.resends());
        m.put("crc_drops", s.crcDrops());
        m.put("duplicates", s.duplicates());
        m.put("lamps_sent", s.lampsSent());
        m.put("lamps_answered", s.lampsAnswered());
        m.put("regrants", s.regrants());
        return m;
    }
}
