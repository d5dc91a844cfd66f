package dev.cellscope.output;

import dev.cellscope.field.FieldRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class FieldTableTest {

    @Test
    void everyFieldIsDocumentedOnce() {
        String md = FieldTable.markdown();
        for (var f : FieldRegistry.all()) {
            assertEquals(1, md.split("\\| `" + java.util.regex.Pattern.quote(f.name()) + "` \\|", -1).length - 1, f.name());
        }
    }

    @Test
    void committedFieldListIsCurrent() throws IOException {
        Path doc = Path.of("..", "docs", "FIELDS.md");
        assertEquals(FieldTable.markdown(), Files.readString(doc),
                "docs/FIELDS.md is stale: run ./cellscope fields --markdown > docs/FIELDS.md");
    }
}
