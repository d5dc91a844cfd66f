package dev.cellscope.endpoint.stack;

import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.wire.Bytes;

/**
 * A UTCP-SBI peer named in text (a command line, a dialog): {@code CELLID@HOST:PORT} or
 * {@code NAME@HOST:PORT} (the name from the address book) for UDP, {@code CELLID@MAC} or
 * {@code NAME@MAC} for raw Ethernet. The transport parses {@link #where} ({@link Transport#address}).
 */
public record PeerAddress(Bytes cellId, String where) {

    /** @param book names for CellIDs, or null */
    public static PeerAddress parse(String spec, AddressBook book) {
        int at = spec.indexOf('@');
        if (at < 0) throw StackException.invalid("peer '" + spec + "' must be CELLID@HOST:PORT or NAME@HOST:PORT (or @MAC for eth)");
        String who = spec.substring(0, at), where = spec.substring(at + 1);
        Bytes id;
        if (who.replace(":", "").replace("-", "").matches("[0-9a-fA-F]{32}")) {
            id = Bytes.of(Identities.parseCellId(who));
        } else if (book != null && book.byName(who).flatMap(e -> e.cellId()).isPresent()) {
            id = book.byName(who).flatMap(e -> e.cellId()).orElseThrow();
        } else {
            throw StackException.invalid("peer '" + who + "' is neither a CellID (32 hex digits) nor a name in the address book"
                    + (book == null ? " (no --book given)" : ""));
        }
        return new PeerAddress(id, where);
    }
}
