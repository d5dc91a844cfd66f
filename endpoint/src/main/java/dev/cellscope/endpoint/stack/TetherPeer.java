package dev.cellscope.endpoint.stack;

import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.identity.AddressBook;

/**
 * A Tether peer named in text (a command line, a dialog): {@code TETHERID@HOST:PORT} (UDP),
 * {@code TETHERID@MAC} (raw Ethernet), with a name from the address book in place of the ID.
 * Over raw Ethernet a peer's Tether ID is normally its MAC (see {@link Transport#tetherId}), so a
 * bare {@code MAC} means both.
 *
 * @param id    the peer's 48-bit Tether identity
 * @param where the address part, or null when none was given
 */
public record TetherPeer(long id, String where) {

    /**
     * @param book names for Tether ids, or null
     * @param eth  whether a bare MAC also gives the address
     */
    public static TetherPeer parse(String spec, AddressBook book, boolean eth) {
        int at = spec.indexOf('@');
        String who = at < 0 ? spec : spec.substring(0, at);
        long id = id(who, book);
        String where = at >= 0 ? spec.substring(at + 1) : eth && isId(who) ? Identities.formatTetherId(id) : null;
        return new TetherPeer(id, where);
    }

    /** {@link #where}, required; {@code what} names the value in the error ("--to"). */
    public String requireWhere(String what) {
        if (where == null) throw StackException.invalid(what + " needs an address: TETHERID@HOST:PORT (udp) or TETHERID@MAC (eth)");
        return where;
    }

    private static boolean isId(String text) {
        try {
            Identities.parseTetherId(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long id(String who, AddressBook book) {
        if (isId(who)) return Identities.parseTetherId(who);
        if (book != null) {
            var entry = book.byName(who);
            if (entry.isPresent() && entry.get().tetherId().isPresent()) return entry.get().tetherId().getAsLong();
        }
        throw StackException.invalid("'" + who + "' is neither a Tether ID (ac:1d:12:34:56:78) nor a name with a tether-id in the address book"
                + (book == null ? " (no --book given)" : ""));
    }
}
