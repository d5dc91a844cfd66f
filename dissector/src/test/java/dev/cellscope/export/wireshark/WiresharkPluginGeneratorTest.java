package dev.cellscope.export.wireshark;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator on its own (tshark runs it in headless-probe's WiresharkPluginTest). */
@Timeout(30)
class WiresharkPluginGeneratorTest {

    @Test
    void everyDeclaredFieldAndExpertIsInTheFileOnce() {
        String lua = WiresharkPlugin.generate();
        for (FieldDef f : WiresharkPlugin.declaredFields()) {
            assertEquals(1, count(lua, "{name=\"" + f.name() + "\","), f.name());
        }
        for (var e : WiresharkPlugin.experts()) assertEquals(1, count(lua, "{id=\"" + e.id() + "\","), e.id());
        for (FieldDef f : WiresharkPlugin.leftOut()) assertEquals(0, count(lua, "{name=\"" + f.name() + "\","), f.name());
    }

    @Test
    void declaredAndLeftOutSplitTheProtocolsFields() {
        List<FieldDef> declared = WiresharkPlugin.declaredFields(), left = WiresharkPlugin.leftOut();
        long ours = FieldRegistry.all().stream().filter(f -> WiresharkPlugin.PROTOCOLS.contains(f.protocol())).count();
        assertEquals(ours, declared.size() + left.size());
        assertTrue(left.stream().allMatch(FieldRegistry::conversationOnly));
        assertTrue(left.size() >= 30, "the analysis fields of UTCP, Tether and SBI: " + left);
    }

    @Test
    void aRuntimeNamingAnUnknownFieldExpertOrLayoutIsRefused() {
        assertThrows(IllegalStateException.class, () -> WiresharkPlugin.checkReferences("x = F[\"utcp.sequence\"]"));
        assertThrows(IllegalStateException.class, () -> WiresharkPlugin.checkReferences("X(ctx, \"utcp.no_such_kind\", m)"));
        assertThrows(IllegalStateException.class, () -> WiresharkPlugin.checkReferences("l = L[\"UtcpHeaderV2\"]"));
        // an analysis-only field is not declared: naming it is refused too
        assertThrows(IllegalStateException.class, () -> WiresharkPlugin.checkReferences("x = F[\"utcp.analysis.gap\"]"));
        WiresharkPlugin.checkReferences("x = F[\"utcp.seq\"]; X(ctx, \"utcp.reserved_flags\", m); l = L[\"UtcpHeader\"]");
    }

    @Test
    void docsListEveryFieldLeftOut() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "WIRESHARK.md"), StandardCharsets.UTF_8);
        for (FieldDef f : WiresharkPlugin.leftOut()) assertTrue(doc.contains("`" + f.name() + "`"), f.name() + " not in docs/WIRESHARK.md");
    }

    @Test
    void stringsAreEscapedForLua() {
        assertEquals("\"a\\\"b\\\\c\\10\\226\\128\\166\"", WiresharkPlugin.str("a\"b\\c\n…"));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
