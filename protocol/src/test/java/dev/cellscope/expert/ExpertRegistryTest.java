package dev.cellscope.expert;

import dev.cellscope.field.ExpertFields;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ExpertRegistryTest {

    @Test
    void everyIdIsDeclaredOnce() {
        Set<String> ids = new HashSet<>();
        List<String> twice = ExpertRegistry.all().stream().map(ExpertInfo::id).filter(id -> !ids.add(id)).toList();
        assertEquals(List.of(), twice, "expert ids declared more than once");
        assertTrue(ExpertRegistry.all().size() > 90, "registry holds " + ExpertRegistry.all().size() + " kinds");
    }

    @Test
    void everyKindHasASummaryAndAProtocolPrefixedId() {
        Set<String> prefixes = Set.of("frame", "sll", "null", "raw", "eth", "vlan", "ip", "ipv6", "udp", "utcp", "tether", "sbi");
        for (ExpertInfo e : ExpertRegistry.all()) {
            assertFalse(e.summary().isBlank(), e.id());
            assertTrue(e.id().matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9_]*)+"), e.id());
            assertTrue(prefixes.contains(e.protocol()), e.id() + " starts with a protocol");
            assertSame(e, ExpertRegistry.byId(e.id()));
        }
        assertNull(ExpertRegistry.byId("utcp.no_such_kind"));
    }

    @Test
    void badDeclarationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ExpertInfo("Gap", Severity.WARN, ExpertGroup.SEQUENCE, "x"));
        assertThrows(IllegalArgumentException.class, () -> new ExpertInfo("utcp.gap", Severity.WARN, ExpertGroup.SEQUENCE, " "));
    }

    @Test
    void findingTakesSeverityAndGroupFromItsKind() {
        Expert e = new Expert(UtcpExperts.GAP, "2 seq(s) missing before 7 (5–6)");
        assertEquals("utcp.gap", e.id());
        assertEquals(Severity.WARN, e.severity());
        assertEquals(ExpertGroup.SEQUENCE, e.group());
        assertEquals("[warn/sequence] 2 seq(s) missing before 7 (5–6)", e.toString());
    }

    @Test
    void expertFieldValuesComeFromTheEnums() {
        for (Severity s : Severity.values()) assertEquals(s.label(), ExpertFields.SEVERITY.nameOf(s.ordinal()));
        for (ExpertGroup g : ExpertGroup.values()) assertEquals(g.label(), ExpertFields.GROUP.nameOf(g.ordinal()));
        assertEquals(Severity.values().length, ExpertFields.SEVERITIES.size());
        assertEquals(ExpertGroup.values().length, ExpertFields.GROUPS.size());
    }

    @Test
    void everyKindIsDocumentedOnce() {
        String md = ExpertRegistry.markdown();
        for (ExpertInfo e : ExpertRegistry.all()) {
            assertEquals(1, md.split("\\| `" + java.util.regex.Pattern.quote(e.id()) + "` \\|", -1).length - 1, e.id());
        }
    }

    @Test
    void committedExpertListIsCurrent() throws IOException {
        Path doc = Path.of("..", "docs", "EXPERTS.md");
        assertEquals(ExpertRegistry.markdown(), Files.exists(doc) ? Files.readString(doc) : "",
                "docs/EXPERTS.md is stale: run ./cellscope fields --experts > docs/EXPERTS.md");
    }
}
