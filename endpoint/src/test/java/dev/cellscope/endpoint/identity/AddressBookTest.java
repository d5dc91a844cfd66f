package dev.cellscope.endpoint.identity;

import dev.cellscope.crypto.Identities;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AddressBookTest {
    static final String EXAMPLE = """
            # who we talk to
            peers:
              alice:
                cell-id: 5f1c0a7e9b2d4c6f8a1b3c5d7e9f0a2b
                tether-id: ac:1d:12:34:56:78
              bob:
                tether-id: AC-1D-9A-BC-DE-F0
                allow: false
              carol:
                cell-id: "00000000000000000000000000000001"
            """;

    @Test
    void parsesNamesIdsAndAllowFlags() throws Exception {
        AddressBook book = AddressBook.parse(EXAMPLE, "book.yaml");
        assertEquals(3, book.entries().size());
        AddressEntry alice = book.byName("alice").orElseThrow();
        assertEquals("5f1c0a7e9b2d4c6f8a1b3c5d7e9f0a2b", alice.cellIdText().orElseThrow());
        assertEquals("ac:1d:12:34:56:78", alice.tetherIdText().orElseThrow());
        assertTrue(alice.allowed());
        assertEquals(3, alice.line());
        assertEquals("alice", book.byCellId(Identities.parseCellId("5f1c0a7e9b2d4c6f8a1b3c5d7e9f0a2b")).orElseThrow().name());
        assertEquals("bob", book.byTetherId(Identities.parseTetherId("ac:1d:9a:bc:de:f0")).orElseThrow().name());
        assertFalse(book.isAllowedTether(0xAC1D9ABCDEF0L));
        assertTrue(book.isAllowed(Identities.parseCellId("00000000000000000000000000000001")));
        assertFalse(book.isAllowed(new byte[16]));
        assertTrue(AddressBook.parse("", "empty.yaml").entries().isEmpty());
    }

    private static AddressBookException bad(String yaml) {
        return assertThrows(AddressBookException.class, () -> AddressBook.parse(yaml, "book.yaml"));
    }

    @Test
    void errorsNameTheLineAndTheProblem() {
        AddressBookException e = bad("peers:\n  alice:\n    cell-id: 12345\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("book.yaml:3: cell-id of 'alice': not a CellID"), e.getMessage());

        e = bad("peers:\n  alice:\n    cell-id: 5f1c0a7e9b2d4c6f8a1b3c5d7e9f0a2b\n    alow: false\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("unknown key 'alow'"), e.getMessage());

        e = bad("peers:\n  alice:\n    tether-id: ac:1d:00:00:00:01\n  alice:\n    tether-id: ac:1d:00:00:00:02\n");
        assertTrue(e.getMessage().contains("duplicate key 'alice'"), e.getMessage());
        assertEquals(4, e.line());

        e = bad("peers:\n  a:\n    tether-id: ac:1d:00:00:00:01\n  b:\n    tether-id: ac:1d:00:00:00:01\n");
        assertTrue(e.getMessage().contains("already 'a'"), e.getMessage());

        e = bad("peers:\n  alice:\n    allow: yes\n    tether-id: ac:1d:00:00:00:01\n");
        assertTrue(e.getMessage().contains("allow must be true or false"), e.getMessage());

        e = bad("peers:\n  alice: {}\n");
        assertTrue(e.getMessage().contains("needs a cell-id or a tether-id"), e.getMessage());

        e = bad("peers: [alice, bob]\n");
        assertTrue(e.getMessage().contains("must be a mapping"), e.getMessage());

        e = bad("peers:\n  alice:\n    cell-id: [unclosed\n");
        assertTrue(e.getMessage().startsWith("book.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        assertTrue(e.line() > 0);
    }

    @Test
    void typeTagsAreNeverConstructed() {
        // SnakeYAML 2 refuses global tags while composing; a local tag on a collection is still not a value
        AddressBookException e = bad("peers:\n  alice:\n    cell-id: !!java.net.URL [\"http://example.com\"]\n");
        assertTrue(e.getMessage().contains("Global tag is not allowed"), e.getMessage());
        assertEquals(3, e.line());
        e = bad("peers:\n  alice:\n    cell-id: !thing [\"http://example.com\"]\n");
        assertTrue(e.getMessage().contains("must be a single value"), e.getMessage());
        assertEquals(3, e.line());
    }
}
