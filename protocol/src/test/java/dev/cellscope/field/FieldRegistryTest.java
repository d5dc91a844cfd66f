package dev.cellscope.field;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class FieldRegistryTest {

    /** Field names PROTOCOLS.md gives in shorthand (".ack" after "utcp.flags.syn"), expanded by hand from the document. */
    static final List<String> SHORTHAND = List.of(
            "utcp.flags.ack", "utcp.flags.fin", "utcp.flags.nack", "utcp.flags.data",
            "tether.flags.lamp", "tether.flags.sync",
            "tether.define.slot_size", "tether.define.total_bytes",
            "tether.manifest.checksum", "tether.manifest.total_slots", "tether.manifest.total_frames",
            "tether.nack.count", "tether.nack.slot", "tether.sideband.attention", "tether.sideband.count", "tether.sideband.tranche",
            "sbi.handshake.capabilities", "sbi.handshake.required", "sbi.handshake.optional", "sbi.handshake.block_size",
            "sbi.handshake.version", "sbi.handshake.replica_count",
            "sbi.put.chunk_index", "sbi.put.comp_algo", "sbi.put.comp_level", "sbi.put.data_len",
            "sbi.dag.depth", "sbi.dag.node_count", "sbi.dag.node", "sbi.nack.error_code", "sbi.nack.error");

    @Test
    void everyFieldOfTheProtocolDocumentIsRegistered() throws IOException {
        Path doc = Path.of("..", "..", "shared", "PROTOCOLS.md");
        Assumptions.assumeTrue(Files.exists(doc), "PROTOCOLS.md not found at " + doc.toAbsolutePath()
                + " (the repository expects shared/ beside its checkout)");
        Matcher m = Pattern.compile("`((?:frame|eth|vlan|ip|udp|utcp|tether|sbi|expert)\\.[a-z0-9_.]+)`").matcher(Files.readString(doc));
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (m.find()) if (seen.add(m.group(1)) && FieldRegistry.byName(m.group(1)) == null) missing.add(m.group(1));
        for (String s : SHORTHAND) if (FieldRegistry.byName(s) == null) missing.add(s);
        assertTrue(seen.size() > 60, "expected to find the document's field names, found " + seen.size());
        assertEquals(List.of(), missing);
    }

    @Test
    void namesAreUniqueDottedAndDescribed() {
        Set<String> names = new HashSet<>();
        for (FieldDef f : FieldRegistry.all()) {
            assertTrue(names.add(f.name()), f.name());
            assertTrue(f.name().matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*"), f.name());
            assertFalse(f.description().isBlank(), f.name());
            assertSame(f, FieldRegistry.byId(f.id()));
            assertSame(f, FieldRegistry.byName(f.name()));
        }
        assertTrue(names.contains("utcp") && names.contains("tether") && names.contains("sbi") && names.contains("eth"));
    }

    @Test
    void suggestsTheNearestName() {
        assertEquals("utcp.seq", FieldRegistry.suggest("utcp.sq"));
        assertEquals("tether.grant", FieldRegistry.suggest("tether.grnt"));
        assertNull(FieldRegistry.suggest("completely.unrelated.thing"));
    }
}
