package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.store.Chunker;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.store.ObjectManifest;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Two peers over an in-memory stream pair that cuts the byte stream at random places. */
class SbiTransferTest {
    @TempDir Path dir;
    private final VirtualScheduler scheduler = new VirtualScheduler();
    final List<String> eventsA = new ArrayList<>(), eventsB = new ArrayList<>();
    MemoryStreamPair pair;
    SbiPeer a, b;

    void connect(SbiConfig configA, SbiConfig configB, long seed) throws IOException {
        pair = new MemoryStreamPair(scheduler, seed);
        a = new SbiPeer(configA, ContentStore.open(dir.resolve("a")), scheduler, pair.a);
        b = new SbiPeer(configB, ContentStore.open(dir.resolve("b")), scheduler, pair.b);
        pair.a.connect(a);
        pair.b.connect(b);
        a.addListener(eventsA::add);
        b.addListener(eventsB::add);
        a.start();
        b.start();
        scheduler.runUntilIdle();
    }

    static SbiConfig config(int id) {
        byte[] peerId = new byte[32];
        peerId[0] = (byte) id;
        return SbiConfig.of(Bytes.of(peerId));
    }

    @ParameterizedTest(name = "caps {0} and {1} -> {2}")
    @CsvSource({"3, 3, zstd", "3, 2, zstd", "3, 1, deflate", "1, 1, deflate", "0, 3, none", "2, 1, none"})
    void handshakeChoosesCompressionFromCommonCapabilities(long capsA, long capsB, String expected) throws Exception {
        connect(config(1).withCapabilities(capsA), config(2).withCapabilities(capsB), 1);
        assertTrue(a.isReady() && b.isReady(), eventsA + " " + eventsB);
        String common = SbiConfig.capabilityNames(capsA & capsB);
        for (List<String> ev : List.of(eventsA, eventsB)) {
            assertTrue(ev.contains("handshake ok: common " + common + ", compression " + expected), ev.toString());
        }
        assertEquals(capsB, a.remoteHandshake().capabilities());
        assertEquals(capsA, b.remoteHandshake().capabilities());
        assertEquals(expected, SbiCompression.of(a.compression()).orElseThrow().wireName());

        // the BLOCK_PUTs on the wire use it (text compresses under both algorithms)
        Path file = dir.resolve("text");
        Files.write(file, text(200_000, 5));
        a.put(file);
        scheduler.runUntilIdle();
        List<SbiBlockPut> puts = RecordingStream.decodeAll(pair.a.wire.toByteArray()).stream()
                .map(SbiMessage::container).filter(SbiBlockPut.class::isInstance).map(SbiBlockPut.class::cast).toList();
        assertEquals(4, puts.size());
        for (SbiBlockPut p : puts) assertEquals(expected, SbiCompression.of(p.compAlgo()).orElseThrow().wireName());
    }

    /**
     * The sender judges a block by its first 4 KiB before compressing it whole (zstd on a random 64 KiB block
     * cost 140-270 µs to send it raw anyway): a text block is still compressed, a block with a random head is
     * sent raw even though its tail compresses, and both arrive intact.
     */
    @Test
    void theBlocksHeadDecidesWhetherItIsCompressed() throws Exception {
        connect(config(1), config(2), 3);
        byte[] text = "cellscope sends text compressed\n".repeat(2048).getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[2 * 65536];
        System.arraycopy(text, 0, content, 0, 65536);                 // block 0: text
        System.arraycopy(random(8192, 4), 0, content, 65536, 8192);    // block 1: a random head...
        System.arraycopy(text, 0, content, 65536 + 8192, 65536 - 8192); // ...then text
        Path file = dir.resolve("mixed-heads");
        Files.write(file, content);
        CompletableFuture<PutResult> put = a.put(file);
        scheduler.runUntilIdle();
        put.get(0, TimeUnit.SECONDS);
        List<Integer> algos = RecordingStream.decodeAll(pair.a.wire.toByteArray()).stream().map(SbiMessage::container)
                .filter(SbiBlockPut.class::isInstance).map(c -> ((SbiBlockPut) c).compAlgo()).toList();
        assertEquals(List.of(SbiCompression.ZSTD.id(), 0), algos);
        assertStoreVerified(b.store(), 2);
    }

    @Test
    void incompressibleBlocksAreSentRaw() throws Exception {
        connect(config(1), config(2), 2);
        Path file = dir.resolve("random");
        Files.write(file, random(150_000, 9));
        CompletableFuture<PutResult> put = a.put(file);
        scheduler.runUntilIdle();
        put.get(0, TimeUnit.SECONDS);
        RecordingStream.decodeAll(pair.a.wire.toByteArray()).stream().map(SbiMessage::container)
                .filter(SbiBlockPut.class::isInstance).forEach(c -> assertEquals(0, ((SbiBlockPut) c).compAlgo()));
    }

    @Test
    void missingRequiredFeatureIsNackedAndBothClose() throws Exception {
        connect(config(1).withRequired(SbiCapability.HAS_ZSTD.mask()), config(2).withCapabilities(SbiCapability.HAS_DEFLATE.mask()), 3);
        // b: a requires zstd, which b lacks -> NACK missing_required_features (ref 0: a's HANDSHAKE) and close
        List<SbiMessage> fromB = RecordingStream.decodeAll(pair.b.wire.toByteArray());
        SbiNack nack = assertInstanceOf(SbiNack.class, fromB.get(1).container());
        assertEquals(2, nack.errorCode());
        assertEquals("missing_required_features", nack.error());
        assertEquals(0, nack.refSeq());
        assertTrue(b.isClosed() && a.isClosed(), eventsA + " " + eventsB);
        assertTrue(eventsB.contains("NACK sent: missing_required_features (ref 0): missing HAS_ZSTD"), eventsB.toString());
        // a checks its own requirement too, so it may close before b's NACK arrives
        assertTrue(eventsA.contains("NACK received: missing_required_features (ref 0)")
                || eventsA.contains("NACK sent: missing_required_features (ref 0): missing HAS_ZSTD"), eventsA.toString());
        assertFalse(a.isReady() || b.isReady());
    }

    @Test
    void operationsFailWhenTheHandshakeFails() throws Exception {
        connect(config(1).withRequired(SbiCapability.HAS_RECOMPRESS.mask()), config(2), 4);
        CompletableFuture<byte[]> get = a.get(Bytes.zeros(32));
        scheduler.runUntilIdle();
        assertTrue(get.isCompletedExceptionally());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void putOfAMultiChunkFileArrivesByteIdenticalAndVerified(long seed) throws Exception {
        connect(config(1), config(2), seed);
        byte[] content = mixed(3 << 20, seed);
        Path file = dir.resolve("file.bin");
        Files.write(file, content);
        List<ObjectManifest> completed = new ArrayList<>();
        b.addListener(new SbiListener() {
            @Override public void onEvent(String e) {}
            @Override public void onObjectComplete(ObjectManifest m) { completed.add(m); }
        });

        CompletableFuture<PutResult> put = a.put(file);
        scheduler.runUntilIdle();
        PutResult r = put.get(0, TimeUnit.SECONDS);
        int distinct = (int) a.store().manifest(r.root()).orElseThrow().chunks().stream().distinct().count();
        assertEquals(48, r.chunks());
        assertEquals(distinct, r.blocksSent()); // a chunk that occurs twice (zeros) travels once
        assertEquals(1, completed.size());
        assertEquals(r.root(), completed.getFirst().root());

        ObjectManifest m = b.store().manifest(r.root()).orElseThrow();
        assertArrayEquals(content, Chunker.assemble(b.store(), m));
        assertStoreVerified(b.store(), distinct);
        assertEquals(distinct, b.counters().blocksStored());
        assertEquals(distinct, a.counters().acksReceived());
        assertFalse(a.isClosed() || b.isClosed());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void getOfAMultiChunkFileIsByteIdentical(long seed) throws Exception {
        connect(config(1), config(2), seed);
        byte[] content = mixed(3 << 20, seed);
        Path file = dir.resolve("file.bin");
        Files.write(file, content);
        ObjectManifest m = Chunker.store(a.store(), file, SbiConfig.DEFAULT_BLOCK_SIZE); // only a has it

        CompletableFuture<Path> got = b.get(m.root(), dir.resolve("copy.bin"));
        scheduler.runUntilIdle();
        assertArrayEquals(content, Files.readAllBytes(got.get(0, TimeUnit.SECONDS)));
        int distinct = (int) m.chunks().stream().distinct().count();
        assertStoreVerified(b.store(), distinct);
        assertEquals(distinct, a.counters().blocksSent());
        assertEquals(0, b.counters().nacksSent());

        // a second get is served from b's own store: no traffic
        long before = b.counters().messagesOut();
        CompletableFuture<byte[]> again = b.get(m.root());
        scheduler.runUntilIdle();
        assertArrayEquals(content, again.get(0, TimeUnit.SECONDS));
        assertEquals(before, b.counters().messagesOut());
    }

    /**
     * A chunk corrupt in the getter's own store counts as missing: quarantined and fetched from the peer, and the get
     * succeeds. On the old code it was claimed as held, the get logged "get complete" and then failed writing the
     * file ("block … is corrupt on disk"), sending nothing to the peer that holds a good copy.
     */
    @Test
    void aCorruptChunkInTheGettersStoreIsFetchedAgain() throws Exception {
        connect(config(1), config(2), 23);
        byte[] content = random(48 * 65536, 23);
        Path file = dir.resolve("file.bin");
        ObjectManifest m = storedAtA(file, content);
        Chunker.store(b.store(), file, 65536); // b had it all (an earlier get)...
        b.store().putManifest(m);
        Bytes fifth = m.chunks().get(4);
        Path stored = b.store().directory().resolve("blocks").resolve(fifth.hex());
        Files.write(stored, new byte[65536]); // ...and one chunk went bad on its disk

        CompletableFuture<Path> got = b.get(m.root(), dir.resolve("copy.bin"));
        scheduler.runUntilIdle();
        assertArrayEquals(content, Files.readAllBytes(got.get(0, TimeUnit.SECONDS)));
        assertEquals(1, a.counters().blocksSent());
        assertTrue(eventsB.stream().anyMatch(t -> t.startsWith("local store: block " + fifth.hex() + " is corrupt on disk")), eventsB.toString());
    }

    /**
     * A get whose own store fails (a chunk it holds cannot be read) fails at once, saying it is the local store, not
     * after fetching the rest of the object.
     */
    @Test
    void aGetWhoseStoreCannotBeReadFailsBeforeFetchingAnything() throws Exception {
        connect(config(1), config(2), 23);
        byte[] content = random(48 * 65536, 23);
        Path file = dir.resolve("file.bin");
        ObjectManifest m = storedAtA(file, content);
        Bytes first = m.chunks().getFirst();
        Files.createDirectory(b.store().directory().resolve("blocks").resolve(first.hex())); // unreadable as a file

        CompletableFuture<Path> got = b.get(m.root(), dir.resolve("copy.bin"));
        scheduler.runUntilIdle();
        ExecutionException e = assertThrows(ExecutionException.class, () -> got.get(0, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("local store: block " + first.hex() + " cannot be read"), e.getCause().getMessage());
        assertEquals(0, b.counters().blocksStored());
        assertFalse(Files.exists(dir.resolve("copy.bin")));
    }

    /**
     * A wanted block that arrives corrupt (hash_mismatch) is wanted again, a bounded number of times: two corrupt
     * sends of one block still end in a whole file; a holder that always sends it corrupt fails the get after
     * {@link ObjectTransfers#GET_REWANTS_PER_BLOCK} re-wants. On the old code the first hash_mismatch ended the get.
     */
    @Test
    void aBlockThatArrivesCorruptIsWantedAgainABoundedNumberOfTimes() throws Exception {
        connect(config(1), config(2), 26);
        byte[] content = random(6 * 65536, 26);
        Path file = dir.resolve("file.bin");
        ObjectManifest m = storedAtA(file, content);
        Bytes third = m.chunks().get(2);
        int[] sends = {0};
        a.corruptBlocksForTesting(cid -> cid.equals(third) && ++sends[0] <= 2);
        CompletableFuture<Path> got = b.get(m.root(), dir.resolve("copy.bin"));
        scheduler.runUntilIdle();
        assertArrayEquals(content, Files.readAllBytes(got.get(0, TimeUnit.SECONDS)));
        assertEquals(2, b.counters().nacksSent());
        assertEquals(3, sends[0]);

        Path other = dir.resolve("other.bin");
        Files.write(other, random(3 * 65536, 27));
        ObjectManifest m2 = Chunker.store(a.store(), other, 65536);
        Bytes bad = m2.chunks().get(1);
        a.corruptBlocksForTesting(bad::equals);
        CompletableFuture<Path> never = b.get(m2.root(), dir.resolve("other-copy.bin"));
        scheduler.runUntilIdle();
        ExecutionException e = assertThrows(ExecutionException.class, () -> never.get(0, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("block " + bad.hex() + " rejected: hash_mismatch"), e.getCause().getMessage());
        assertEquals(2 + 1 + ObjectTransfers.GET_REWANTS_PER_BLOCK, b.counters().nacksSent());
    }

    /**
     * A block corrupt in the holder's store is not served and no longer claimed: the get is NACKed block_not_found
     * (the connection stays open), and a put of the same object then sends that block again, which repairs the
     * store. On the old code the block stayed in blocks/: the put's DAG_SYNC answer said "lacks 0", the put
     * succeeded sending nothing, and the object could never be got again.
     */
    @Test
    void aCorruptBlockInTheHoldersStoreIsNotFoundThenRepairedByAPut() throws Exception {
        connect(config(1), config(2), 24);
        byte[] content = random(8 * 65536, 24);
        Path file = dir.resolve("file.bin");
        ObjectManifest m = storedAtA(file, content);
        Bytes third = m.chunks().get(2);
        Path stored = a.store().directory().resolve("blocks").resolve(third.hex());
        byte[] bad = Files.readAllBytes(stored);
        bad[100] ^= 1;
        Files.write(stored, bad);

        CompletableFuture<byte[]> get = b.get(m.root());
        scheduler.runUntilIdle();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get.get(0, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("block_not_found"), e.getCause().getMessage());
        assertTrue(eventsA.stream().anyMatch(t -> t.contains("block " + third.hex() + " is corrupt on disk") && t.contains("quarantine")), eventsA.toString());
        assertFalse(a.isClosed());

        Chunker.store(b.store(), file, 65536); // b holds a good copy and offers it
        CompletableFuture<PutResult> put = b.putObject(m.chunks());
        scheduler.runUntilIdle();
        assertEquals(1, put.get(0, TimeUnit.SECONDS).blocksSent());
        assertArrayEquals(content, Chunker.assemble(a.store(), m));
    }

    /**
     * A block the holder cannot read is a failure of its store, not of the peer: no NACK, the connection closes
     * (the strictness table's last row) and the event says why. On the old code it was NACKed block_not_found and
     * the connection stayed open.
     */
    @Test
    void anUnreadableBlockClosesWithoutANack() throws Exception {
        connect(config(1), config(2), 25);
        Bytes cid = a.store().put(random(1000, 25));
        Path stored = a.store().directory().resolve("blocks").resolve(cid.hex());
        Files.delete(stored);
        Files.createDirectory(stored); // unreadable as a file, also for root
        ObjectManifest m = ObjectManifest.of(List.of(cid));
        a.store().putManifest(m);

        CompletableFuture<byte[]> get = b.get(m.root());
        scheduler.runUntilIdle();
        assertThrows(ExecutionException.class, () -> get.get(0, TimeUnit.SECONDS));
        assertEquals(0, a.counters().nacksSent());
        assertTrue(a.isClosed() && a.closedReason().startsWith("local store failed: block " + cid.hex() + " cannot be read"), a.closedReason());
        assertTrue(a.closedReason().contains("Is a directory"), a.closedReason());
    }

    @Test
    void dagSyncAnswerListsExactlyTheMissingNodes() throws Exception {
        connect(config(1), config(2), 31);
        byte[] content = random(10 * 65536, 31);
        Path file = dir.resolve("file.bin");
        ObjectManifest m = storedAtA(file, content);
        // b already has chunks 0, 3, 4 and 9
        List<Bytes> expectedMissing = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(content, i * 65536, (i + 1) * 65536);
            if (i == 0 || i == 3 || i == 4 || i == 9) b.store().put(chunk);
            else expectedMissing.add(m.chunks().get(i));
        }
        CompletableFuture<PutResult> put = a.putObject(m.chunks());
        scheduler.runUntilIdle();
        assertEquals(6, put.get(0, TimeUnit.SECONDS).blocksSent());

        SbiDagSync offer = (SbiDagSync) RecordingStream.decodeAll(pair.a.wire.toByteArray()).stream()
                .map(SbiMessage::container).filter(SbiDagSync.class::isInstance).findFirst().orElseThrow();
        assertEquals(m.chunks(), offer.nodes());
        SbiDagSync answer = (SbiDagSync) RecordingStream.decodeAll(pair.b.wire.toByteArray()).stream()
                .map(SbiMessage::container).filter(SbiDagSync.class::isInstance).findFirst().orElseThrow();
        assertEquals(m.root(), answer.root());
        assertEquals(expectedMissing, answer.nodes());
        List<Long> sentIndexes = RecordingStream.decodeAll(pair.a.wire.toByteArray()).stream().map(SbiMessage::container)
                .filter(SbiBlockPut.class::isInstance).map(c -> ((SbiBlockPut) c).chunkIndex()).toList();
        assertEquals(List.of(1L, 2L, 5L, 6L, 7L, 8L), sentIndexes);
    }

    @Test
    void getOfAnUnknownRootFailsWithBlockNotFound() throws Exception {
        connect(config(1), config(2), 41);
        CompletableFuture<byte[]> get = b.get(Bytes.of(Blake3.hash(new byte[] {1})));
        scheduler.runUntilIdle();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get.get(0, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("block_not_found"), e.getCause().getMessage());
        assertFalse(b.isClosed());
    }

    @Test
    void emptyFileRoundTrips() throws Exception {
        connect(config(1), config(2), 51);
        Path file = dir.resolve("empty");
        Files.write(file, new byte[0]);
        CompletableFuture<PutResult> put = a.put(file);
        scheduler.runUntilIdle();
        assertEquals(0, put.get(0, TimeUnit.SECONDS).chunks());
        CompletableFuture<byte[]> get = b.get(ObjectManifest.rootOf(List.of()));
        scheduler.runUntilIdle();
        assertEquals(0, get.get(0, TimeUnit.SECONDS).length);
    }

    /** Every stored block's name is the BLAKE3 of its content: checked with b3sum when installed, else our BLAKE3. */
    static void assertStoreVerified(ContentStore store, int expected) throws Exception {
        Path blocks = store.directory().resolve("blocks");
        List<Path> files;
        try (var s = Files.list(blocks)) {
            files = s.sorted().toList();
        }
        assertEquals(expected, files.size());
        Path b3sum = Path.of("/usr/bin/b3sum");
        if (Files.isExecutable(b3sum)) {
            List<String> cmd = new ArrayList<>(List.of(b3sum.toString()));
            files.forEach(f -> cmd.add(f.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(0, p.waitFor());
            for (String line : out.strip().split("\n")) {
                String[] parts = line.split("\\s+", 2);
                assertEquals(Path.of(parts[1]).getFileName().toString(), parts[0], "b3sum: " + line);
            }
        } else {
            System.out.println("b3sum not installed: checking stored blocks with our own BLAKE3 only");
            for (Path f : files) assertEquals(f.getFileName().toString(), HexFormat.of().formatHex(Blake3.hash(Files.readAllBytes(f))));
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] text(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"block", "chunk", "peer", "stream", "root", "node", "the", "of", "zstd", "deflate"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) sb.append(words[r.nextInt(words.length)]).append(r.nextInt(7) == 0 ? ".\n" : " ");
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Alternating text, random and zero regions, so raw and compressed blocks and duplicate chunks all occur. */
    static byte[] mixed(int n, long seed) {
        byte[] out = new byte[n];
        Random r = new Random(seed);
        for (int off = 0; off < n; ) {
            int len = Math.min(n - off, 20_000 + r.nextInt(150_000));
            byte[] part = switch (r.nextInt(3)) {
                case 0 -> text(len, r.nextLong());
                case 1 -> random(len, r.nextLong());
                default -> new byte[len];
            };
            System.arraycopy(part, 0, out, off, len);
            off += len;
        }
        return out;
    }

    /** {@code content} written to {@code file} and chunked into a's store in 64 KiB blocks: the object a holds. */
    private ObjectManifest storedAtA(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return Chunker.store(a.store(), file, 65536);
    }
}
