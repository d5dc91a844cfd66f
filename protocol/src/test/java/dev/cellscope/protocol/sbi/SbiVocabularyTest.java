package dev.cellscope.protocol.sbi;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vocabulary equals PROTOCOLS.md section 4. The expected values are copied from that
 * document's tables and sentences, not from the code.
 */
class SbiVocabularyTest {

    @Test
    void opsAreTheContainerTable() {
        // | 0x01 | HANDSHAKE | ... | 0x10 | BLOCK_WANT | 0x11 | BLOCK_PUT | 0x20 | DAG_SYNC | 0xF0 | ACK | 0xF1 | NACK |
        Map<Integer, String> spec = new LinkedHashMap<>();
        spec.put(0x01, "HANDSHAKE");
        spec.put(0x10, "BLOCK_WANT");
        spec.put(0x11, "BLOCK_PUT");
        spec.put(0x20, "DAG_SYNC");
        spec.put(0xF0, "ACK");
        spec.put(0xF1, "NACK");
        assertEquals(spec, SbiOps.NAMES);
        assertEquals(List.copyOf(spec.keySet()), List.copyOf(SbiOps.NAMES.keySet()), "op order");
        assertEquals(List.of(0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1),
                List.of(SbiOps.HANDSHAKE, SbiOps.BLOCK_WANT, SbiOps.BLOCK_PUT, SbiOps.DAG_SYNC, SbiOps.ACK, SbiOps.NACK));
        for (int op = 0; op < 256; op++) {
            assertEquals(spec.containsKey(op), SbiOps.assigned(op), "op " + op);
            assertEquals(spec.getOrDefault(op, String.format("op 0x%02x", op)), SbiOps.nameOrHex(op));
        }
    }

    @Test
    void opRanges() {
        // Op ranges: 0x01–0x0F control, 0x10–0x2F data transfer, 0xF0–0xFF responses
        for (int op = 0; op < 256; op++) {
            SbiOps.Range want = op >= 0x01 && op <= 0x0F ? SbiOps.Range.CONTROL
                    : op >= 0x10 && op <= 0x2F ? SbiOps.Range.DATA_TRANSFER
                    : op >= 0xF0 ? SbiOps.Range.RESPONSE : SbiOps.Range.NONE;
            assertEquals(want, SbiOps.Range.of(op), "op " + op);
        }
    }

    @Test
    void compressionIds() {
        // comp_algo: 0 none, 1 deflate, 2 zstd, 3–14 reserved, 15 experimental: a receiver rejects 3–15.
        assertEquals(Map.of(0, "none", 1, "deflate", 2, "zstd", 15, "experimental"),
                Arrays.stream(SbiCompression.values()).collect(Collectors.toMap(SbiCompression::id, SbiCompression::wireName)));
        for (int id = 0; id < 256; id++) {
            boolean accepted = id <= 2;
            assertEquals(accepted, SbiCompression.of(id).map(SbiCompression::supported).orElse(false), "comp_algo " + id);
            assertEquals(id >= 3 && id <= 14, SbiCompression.reserved(id), "comp_algo " + id);
        }
        // The sender prefers zstd, then deflate, then none.
        assertEquals(List.of(SbiCompression.ZSTD, SbiCompression.DEFLATE, SbiCompression.NONE), SbiCompression.PREFERENCE);
        // The peer's levels: zstd 3, deflate 6.
        assertEquals(3, SbiCompression.ZSTD.senderLevel());
        assertEquals(6, SbiCompression.DEFLATE.senderLevel());
    }

    @Test
    void nackErrorCodes() {
        // 1 invalid_frame_size, 2 missing_required_features, 3 unknown_schema, 4 hash_mismatch, 5 unknown_op,
        // 6 unsupported_compression, 7 block_not_found, 8 malformed_container. The error string is the name.
        Map<Integer, String> spec = Map.of(1, "invalid_frame_size", 2, "missing_required_features", 3, "unknown_schema",
                4, "hash_mismatch", 5, "unknown_op", 6, "unsupported_compression", 7, "block_not_found", 8, "malformed_container");
        assertEquals(spec, Arrays.stream(SbiErrorCode.values()).collect(Collectors.toMap(SbiErrorCode::code, SbiErrorCode::wireName)));
        for (int code = 0; code < 20; code++) assertEquals(spec.containsKey(code), SbiErrorCode.of(code).isPresent());
    }

    @Test
    void capabilityBits() {
        // bits: 0 HAS_DEFLATE, 1 HAS_ZSTD, 2 HAS_DEDUP, 3 HAS_RECOMPRESS, 4–31 reserved (must be 0)
        assertEquals(Map.of(0, "HAS_DEFLATE", 1, "HAS_ZSTD", 2, "HAS_DEDUP", 3, "HAS_RECOMPRESS"),
                Arrays.stream(SbiCapability.values()).collect(Collectors.toMap(SbiCapability::bit, SbiCapability::label)));
        long reserved = 0;
        for (int bit = 4; bit < 32; bit++) reserved |= 1L << bit;
        assertEquals(reserved, SbiCapability.RESERVED);
        for (SbiCapability c : SbiCapability.values()) assertEquals(0, c.mask() & SbiCapability.RESERVED);
        assertEquals(List.of(SbiCapability.HAS_DEFLATE, SbiCapability.HAS_DEDUP), SbiCapability.setIn(0b101 | 1L << 20));
    }

    @Test
    void priorities() {
        // priority u8 @32 (0 normal, 1 high, 2 critical)
        assertEquals(Map.of(0, "normal", 1, "high", 2, "critical"),
                Arrays.stream(SbiPriority.values()).collect(Collectors.toMap(SbiPriority::value, SbiPriority::label)));
    }

    @Test
    void limits() {
        // if frame_len < 24 or frame_len > 262144 the receiver NACKs invalid_frame_size; 24-byte preamble
        assertEquals(24, SbiLimits.PREAMBLE_SIZE);
        assertEquals(24, SbiLimits.MIN_FRAME_LEN);
        assertEquals(262_144, SbiLimits.MAX_FRAME_LEN);
        assertFalse(SbiLimits.frameLenInRange(23));
        assertTrue(SbiLimits.frameLenInRange(24));
        assertTrue(SbiLimits.frameLenInRange(262_144));
        assertFalse(SbiLimits.frameLenInRange(262_145));
        assertFalse(SbiLimits.frameLenInRange(0xFFFF_FFFFL));
        assertEquals("frame_len 23 out of range [24, 262144]", SbiLimits.frameLenOutOfRange(23));
        // Decompression is bounded at most 16 MiB per block.
        assertEquals(16 * 1024 * 1024, SbiLimits.DEFAULT_DECOMPRESS_LIMIT);
        assertTrue(SbiLimits.MAX_DECOMPRESS_LIMIT >= SbiLimits.DEFAULT_DECOMPRESS_LIMIT);
        // A stream starting with '{' (0x7B) is a legacy JSON peer.
        assertTrue(SbiLimits.startsLikeJson(0x7B22_6F70L));
        assertFalse(SbiLimits.startsLikeJson(100));
    }

    /** ENDPOINT-SBI.md: a HANDSHAKE version other than 1 is refused like missing features (new with the version-aware rule). */
    @Test
    void aVersionOtherThanOneFailsTheExchange() {
        SbiNegotiation ok = SbiNegotiation.of(3, 0, 1, 3, 0, 1);
        assertFalse(ok.rejectedBy(SbiNegotiation.FIRST));
        SbiNegotiation v2 = SbiNegotiation.of(3, 0, 1, 3, 0, 2);
        assertTrue(v2.foreignVersion());
        assertTrue(v2.rejectedBy(SbiNegotiation.FIRST));
        assertTrue(v2.rejectedBy(SbiNegotiation.SECOND));
        assertEquals(0, v2.missing(), "no feature is missing; the version alone fails it");
    }

    @Test
    void negotiation() {
        long deflate = 1, zstd = 2, dedup = 4, recompress = 8;
        // missing = remote.required & ~(local.capabilities & remote.capabilities), for each side
        SbiNegotiation n = SbiNegotiation.of(deflate | zstd | dedup, recompress, deflate | dedup, zstd);
        assertEquals(deflate | dedup, n.common());
        assertEquals(zstd, n.missingAtFirst(), "the second requires zstd, which the pair lacks: the first NACKs");
        assertEquals(recompress, n.missingAtSecond(), "the first requires recompress: the second NACKs");
        assertEquals(zstd | recompress, n.missing());
        assertEquals(SbiCompression.DEFLATE, n.compression());
        assertEquals(SbiCompression.ZSTD, SbiNegotiation.of(deflate | zstd, 0, deflate | zstd, 0).compression());
        assertEquals(SbiCompression.NONE, SbiNegotiation.of(dedup, 0, deflate | zstd, 0).compression());
        // a BLOCK_PUT may use none always, deflate/zstd when both announced them, nothing else
        assertTrue(n.allows(0));
        assertTrue(n.allows(1));
        assertFalse(n.allows(2));
        for (int id = 3; id < 256; id++) assertFalse(SbiNegotiation.of(-1L >>> 32, 0, -1L >>> 32, 0).allows(id), "comp_algo " + id);
    }
}
