package dev.cellscope.samples;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.SwitchCounters;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.SbiEnvelope;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpPacket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.cellscope.samples.Scenarios.ALICE_MAC;
import static dev.cellscope.samples.Scenarios.BOB_MAC;
import static dev.cellscope.samples.Scenarios.SECOND;

/**
 * Attack scenarios: a legitimate Alice → Bob transfer by the endpoint stack, beside an attacker,
 * Mallory, whose bytes no well-behaved endpoint would send. Mallory is a real {@link MeshNode}
 * with the test hook {@link SbiPeer#corruptBlocksForTesting} (corrupt-block), or a real
 * {@link UtcpEndpoint} (so the UTCP framing, seqs and ACKs are the stack's) writing bytes built with
 * the dissector's codecs ({@code dev.cellscope.wire}) into the connection, or, for the SYN scan,
 * the runner injects codec-built UTCP frames ({@link ScenarioRunner#inject}). Bob is
 * always the real {@link MeshNode}; the ground truth holds what Mallory sent and what Bob did
 * (his switch counters, the SBI NACKs he sent back, his events).
 */
final class AttackScenarios {
    private AttackScenarios() {}

    static final List<String> NAMES = List.of("corrupt-block", "oversize-frame", "legacy-json-peer", "unknown-cellid-scan");
    static final long MALLORY_MAC = 0x020000000BADL;
    /** The frame_len the oversize attacker claims: 2^31 − 1, about 2 GiB. */
    static final long OVERSIZE_FRAME_LEN = 2_147_483_647L;
    static final int SCAN_SYNS = 300;
    static final long SCAN_START_NS = 10_000, SCAN_SPACING_NS = 2_000;

    static String describe(String name) {
        return switch (name) {
            case "corrupt-block" -> "Alice puts a file to Bob; Mallory sends two BLOCK_PUTs, one whose content does not match its BLAKE3 hash: Bob NACKs hash_mismatch";
            case "oversize-frame" -> "Alice puts a file to Bob; Mallory opens UTCP and sends an SBI frame_len of 2^31-1: Bob NACKs invalid_frame_size and closes";
            case "legacy-json-peer" -> "Alice puts a file to Bob; Mallory opens UTCP and speaks legacy JSON: Bob NACKs invalid_frame_size (legacy JSON) and closes";
            case "unknown-cellid-scan" -> "Alice puts a file to Bob while Mallory floods " + SCAN_SYNS + " UTCP SYNs to random CellIDs: Bob's switch drops them (unknown dst)";
            default -> throw new IllegalArgumentException("no scenario named " + name);
        };
    }

    static Map<String, Object> generate(String name, Path out, long seed) throws IOException {
        Map<String, Object> t = Json.object();
        t.put("scenario", name);
        t.put("seed", seed);
        t.put("made_by", "endpoint stack (MeshNode, UtcpEndpoint, SbiPeer) over a seeded MemoryWire in virtual time; "
                + "the attacker's bytes built with the dissector's wire codecs");
        t.put("start_time_ns", ScenarioRunner.START);
        try (ScenarioRunner r = new ScenarioRunner(out, FaultModel.clean(), seed)) {
            r.node("alice", ALICE_MAC);
            r.node("bob", BOB_MAC);
            r.node("mallory", MALLORY_MAC);
            NodeIdentity alice = r.identity("alice", seed * 1000 + 1), bob = r.identity("bob", seed * 1000 + 2),
                    mallory = r.identity("mallory", seed * 1000 + 4);
            MeshNode<String> a = node(r, "alice", alice, seed * 1000 + 11);
            MeshNode<String> b = node(r, "bob", bob, seed * 1000 + 12);
            List<String> bobEvents = new ArrayList<>();
            b.onEvent(bobEvents::add);
            b.serve();
            Random rnd = new Random(seed);
            malloryUtcpSeed = seed * 1000 + 14;

            Map<String, Object> attack = Json.object();
            if (name.equals("unknown-cellid-scan")) scan(r, mallory, rnd, attack);

            // The legitimate transfer.
            Path notes = Files.write(r.work.resolve("notes.txt"), text(rnd, 90_000));
            r.comment("Alice opens UTCP to Bob and puts a file over UTCP-SBI");
            SbiPeer ab = a.connect(Bytes.of(bob.cellId()), "bob");
            CompletableFuture<PutResult> put = ab.put(notes);
            Scenarios.waitFor(r, put::isDone, name + ": Alice's put did not finish");
            PutResult pr = put.join();
            Scenarios.waitFor(r, () -> Scenarios.has(b.store(), pr.root()), name + ": Bob never completed Alice's file");
            r.scheduler.runFor(20_000_000);
            boolean legitReady = ab.isReady();

            switch (name) {
                case "corrupt-block" -> corrupt(r, mallory, bob, rnd, attack, bobEvents, b.store());
                case "oversize-frame" -> rawStream(r, mallory, bob, oversize(), "Mallory opens UTCP to Bob and sends an SBI envelope claiming frame_len "
                        + OVERSIZE_FRAME_LEN, attack);
                case "legacy-json-peer" -> rawStream(r, mallory, bob, legacyJson(), "Mallory opens UTCP to Bob and speaks the legacy JSON form", attack);
                case "unknown-cellid-scan" -> {
                    r.scheduler.runFor(SCAN_START_NS + SCAN_SYNS * SCAN_SPACING_NS);
                    long[] times = (long[]) attack.remove("injected_at");
                    attack.put("first_at_ns", times[0]);
                    attack.put("last_at_ns", times[times.length - 1]);
                }
                default -> throw new IllegalArgumentException("no scenario named " + name);
            }
            ab.close("done");
            r.scheduler.runFor(5 * SECOND);

            Map<String, Object> legit = Json.object();
            legit.put("from", "alice");
            legit.put("to", "bob");
            legit.put("handshake", legitReady ? "accepted" : "refused");
            legit.put("object_root", pr.root().hex());
            legit.put("chunks", a.store().manifest(pr.root()).orElseThrow().chunks().stream().map(Bytes::hex).toList());
            legit.put("blocks_sent", pr.blocksSent());
            legit.put("received_intact", Scenarios.has(b.store(), pr.root()));
            Map<String, Object> receiver = Json.object();
            SwitchCounters sc = b.endpoint().switchCounters();
            Map<String, Object> drops = Json.object();
            drops.put("unknown_dst", sc.unknownDst());
            drops.put("src_not_allowed", sc.srcNotAllowed());
            drops.put("malformed", sc.malformed());
            drops.put("no_connection", sc.noConnection());
            receiver.put("switch_drops", drops);
            receiver.put("switch_accepted", sc.accepted());
            String mp = Bytes.of(mallory.cellId()).hex().substring(0, 8);
            receiver.put("events_about_mallory", bobEvents.stream().filter(e -> e.startsWith(mp)).toList());
            t.put("nodes", nodes(alice, bob, mallory));
            t.put("wire", r.wireTruth());
            t.put("legitimate", legit);
            t.put("attack", attack);
            t.put("receiver", receiver);
        }
        return t;
    }

    /** Mallory: a real UTCP endpoint, with no SBI peer behind it. */
    /** Mallory's UTCP initial seq comes from this seed (set per run from the scenario seed). */
    private static long malloryUtcpSeed;

    private static UtcpConnection malloryConnects(ScenarioRunner r, NodeIdentity mallory, NodeIdentity bob, ByteArrayOutputStream replies,
                                                  byte[] bytes, Map<String, Object> attack) {
        UtcpEndpoint<String> m = new UtcpEndpoint<>(r.scheduler, r.wire.port("mallory"), Bytes.of(mallory.cellId()),
                UtcpConfig.defaults().withSeed(malloryUtcpSeed));
        UtcpConnection c = m.connect(Bytes.of(bob.cellId()), "bob");
        c.onData(replies::writeBytes);
        c.onOpen(() -> {
            attack.put("sent_at_ns", r.scheduler.now() - ScenarioRunner.START);
            c.writeAll(bytes, () -> {});
        });
        return c;
    }

    private static void rawStream(ScenarioRunner r, NodeIdentity mallory, NodeIdentity bob, byte[] bytes, String comment, Map<String, Object> attack) {
        r.comment(comment);
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        attack.put("kind", bytes[0] == '{' ? "legacy_json" : "oversize_frame_len");
        attack.put("from", "mallory");
        attack.put("to", "bob");
        attack.put("stream_bytes_hex", java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16)));
        attack.put("claimed_frame_len", ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16) | ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL));
        UtcpConnection c = malloryConnects(r, mallory, bob, replies, bytes, attack);
        r.scheduler.runFor(2 * SECOND);
        attack.put("receiver_nacks", nacks(replies.toByteArray()));
        attack.put("mallory_connection_closed_by_peer", c.peerFinished() || c.isClosed());
    }

    /**
     * Mallory is a real {@link MeshNode} whose SBI peer has the test hook
     * {@link SbiPeer#corruptBlocksForTesting} set for its second BLOCK_PUT: the content goes out with
     * one byte flipped after hashing.
     */
    private static void corrupt(ScenarioRunner r, NodeIdentity mallory, NodeIdentity bob, Random rnd, Map<String, Object> attack,
                                List<String> bobEvents, ContentStore bobStore) throws IOException {
        MeshNode<String> m = node(r, "mallory", mallory, malloryUtcpSeed);
        Path file = Files.write(r.work.resolve("payload.bin"), random(rnd, 100_000));
        r.comment("Mallory opens UTCP to Bob and puts a file; her peer's test hook flips one byte of the second BLOCK_PUT's content after hashing");
        SbiPeer mb = m.connect(Bytes.of(bob.cellId()), "bob");
        List<Bytes> corrupted = new ArrayList<>();
        int[] puts = {0};
        mb.corruptBlocksForTesting(cid -> {
            boolean hit = ++puts[0] == 2;
            if (hit) corrupted.add(cid);
            return hit;
        });
        attack.put("sent_at_ns", r.scheduler.now() - ScenarioRunner.START);
        CompletableFuture<PutResult> put = mb.put(file);
        Scenarios.waitFor(r, put::isDone, "corrupt-block: Mallory's put neither finished nor failed");
        r.scheduler.runFor(20_000_000);
        attack.put("kind", "corrupt_block");
        attack.put("from", "mallory");
        attack.put("to", "bob");
        attack.put("hook", "SbiPeer.corruptBlocksForTesting: byte length/2 of the block flipped (XOR 0x20) after hashing, before compression");
        List<Map<String, Object>> blocks = new ArrayList<>();
        var manifest = dev.cellscope.endpoint.store.Chunker.store(m.store(), file, SbiConfig.DEFAULT_BLOCK_SIZE); // as her put chunked it
        attack.put("object_root", manifest.root().hex());
        for (int i = 0; i < manifest.chunks().size(); i++) {
            Bytes cid = manifest.chunks().get(i);
            byte[] content = m.store().get(cid).orElseThrow();
            boolean bad = corrupted.contains(cid);
            String actual = null;
            if (bad) {
                content = content.clone();
                content[content.length / 2] ^= 0x20;
                actual = Bytes.of(Blake3.hash(content)).hex();
            }
            blocks.add(block(cid, i, content.length, bad, actual));
        }
        attack.put("blocks", blocks);
        attack.put("blocks_sent", mb.counters().blocksSent());
        attack.put("put_failed", put.isCompletedExceptionally());
        attack.put("put_failure", put.isCompletedExceptionally() ? put.handle((x, e) -> e.getCause() != null ? e.getCause().getMessage() : e.getMessage()).join() : null);
        attack.put("bob_stored_the_corrupted_block", corrupted.stream().anyMatch(bobStore::has));
        attack.put("receiver_nacks", nacksFromEvents(bobEvents, Bytes.of(mallory.cellId()).hex().substring(0, 8)));
    }

    private static Map<String, Object> block(Bytes hash, long index, int size, boolean corrupted, String actual) {
        Map<String, Object> m = Json.object();
        m.put("block_hash", hash.hex());
        m.put("chunk_index", index);
        m.put("size", size);
        m.put("corrupted", corrupted);
        if (actual != null) m.put("blake3_of_content_sent", actual);
        return m;
    }

    /**
     * Schedules the scan to run beside Alice's connection: {@link #SCAN_SYNS} SYNs from Mallory's
     * CellID to random CellIDs, one every {@link #SCAN_SPACING_NS}, injected through the wire to Bob.
     */
    private static void scan(ScenarioRunner r, NodeIdentity mallory, Random rnd, Map<String, Object> attack) {
        Set<String> targets = new LinkedHashSet<>();
        long[] times = new long[SCAN_SYNS];
        for (int i = 0; i < SCAN_SYNS; i++) {
            byte[] dst = new byte[16];
            rnd.nextBytes(dst);
            long seq = rnd.nextLong(1L << 32);
            byte[] syn = new UtcpPacket(new UtcpHeader(Bytes.of(mallory.cellId()), Bytes.of(dst), seq,
                    (int) dev.cellscope.field.UtcpFields.SYN, 0), Bytes.of(new byte[0])).encode();
            targets.add(Bytes.of(dst).hex());
            int n = i;
            r.scheduler.schedule(SCAN_START_NS + i * SCAN_SPACING_NS, () -> {
                times[n] = r.scheduler.now() - ScenarioRunner.START;
                r.inject("mallory", "bob", syn, n == 0 ? "Mallory starts a scan beside Alice's connection: " + SCAN_SYNS
                        + " UTCP SYNs to random CellIDs (injected)" : null);
            });
        }
        attack.put("kind", "syn_scan");
        attack.put("from", "mallory");
        attack.put("to", "bob");
        attack.put("src_cellid", Bytes.of(mallory.cellId()).hex());
        attack.put("syns_injected", SCAN_SYNS);
        attack.put("spacing_ns", SCAN_SPACING_NS);
        attack.put("distinct_dst_cellids", targets.size());
        attack.put("dst_cellids", List.copyOf(targets));
        attack.put("address_book", List.of("alice", "bob"));
        attack.put("injected_at", times); // filled in as the scheduler runs; replaced by first/last after the run
    }

    private static byte[] oversize() {
        byte[] env = new SbiEnvelope(OVERSIZE_FRAME_LEN, dev.cellscope.wire.SbiLayouts.OP_BLOCK_PUT).encode();
        byte[] b = Arrays.copyOf(env, env.length + 32); // a few bytes of "body": a receiver must not wait for 2 GiB
        return b;
    }

    private static byte[] legacyJson() {
        return "{\"op\":\"block_want\",\"cid\":\"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy\"}\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** The SBI NACKs Bob's peer for Mallory reported sending ("NACK sent: NAME (ref N): ..."). */
    static List<Map<String, Object>> nacksFromEvents(List<String> events, String peerPrefix) {
        List<Map<String, Object>> l = new ArrayList<>();
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("sbi: NACK sent: (\\w+) \\(ref (\\d+)\\)");
        for (String e : events) {
            if (!e.startsWith(peerPrefix)) continue;
            var mt = p.matcher(e);
            if (!mt.find()) continue;
            dev.cellscope.endpoint.sbi.SbiError err = dev.cellscope.endpoint.sbi.SbiError.valueOf(mt.group(1).toUpperCase(java.util.Locale.ROOT));
            Map<String, Object> m = Json.object();
            m.put("ref_seq", Long.parseLong(mt.group(2)));
            m.put("error_code", err.code());
            m.put("error", err.wireName());
            l.add(m);
        }
        return l;
    }

    /** The SBI NACKs in what Bob sent back (his HANDSHAKE and other messages skipped). */
    static List<Map<String, Object>> nacks(byte[] s) {
        List<Map<String, Object>> l = new ArrayList<>();
        int off = 0;
        while (off < s.length) {
            if (!(SbiMessage.decode(Arrays.copyOfRange(s, off, s.length)) instanceof Decoded.Ok<SbiMessage> ok)) break;
            if (ok.value().container() instanceof SbiNack n) {
                Map<String, Object> m = Json.object();
                m.put("ref_seq", n.refSeq());
                m.put("error_code", n.errorCode());
                m.put("error", n.error());
                l.add(m);
            }
            off += ok.length();
        }
        return l;
    }

    private static MeshNode<String> node(ScenarioRunner r, String name, NodeIdentity id, long utcpSeed) throws IOException {
        return new MeshNode<>(r.scheduler, r.wire.port(name), id, ContentStore.open(r.work.resolve(name + "-store")), SbiConfig.of(id), null,
                UtcpConfig.defaults().withSeed(utcpSeed));
    }

    private static Map<String, Object> nodes(NodeIdentity alice, NodeIdentity bob, NodeIdentity mallory) {
        Map<String, Object> n = Json.object();
        for (Object[] p : new Object[][] {{"alice", alice}, {"bob", bob}, {"mallory", mallory}}) {
            NodeIdentity id = (NodeIdentity) p[1];
            Map<String, Object> m = Json.object();
            m.put("public_key", java.util.HexFormat.of().formatHex(id.publicKey()));
            m.put("cellid", Bytes.of(id.cellId()).hex());
            n.put((String) p[0], m);
        }
        return n;
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] text(Random rnd, int n) {
        String[] words = {"cell", "mesh", "block", "tether", "slot", "grant", "lamp", "dock", "frame", "seq", "nack", "hash", "store", "peer"};
        StringBuilder b = new StringBuilder(n + 16);
        while (b.length() < n) b.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(9) == 0 ? ".\n" : " ");
        return b.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }
}
