package dev.cellscope.endpoint.identity;

import dev.cellscope.crypto.Identities;
import dev.cellscope.wire.Bytes;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One peer in the {@link AddressBook}: a name, its CellID and/or Tether ID, and whether it is
 * on the allow-list.
 *
 * @param line the 1-based line of the entry in its file, for messages
 */
public record AddressEntry(String name, Optional<Bytes> cellId, OptionalLong tetherId, boolean allowed, int line) {
    public AddressEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cellId, "cellId");
        Objects.requireNonNull(tetherId, "tetherId");
        if (cellId.isEmpty() && tetherId.isEmpty()) throw new IllegalArgumentException(name + " has neither a CellID nor a Tether ID");
    }

    public Optional<String> cellIdText() {
        return cellId.map(c -> Identities.formatCellId(c.toArray()));
    }

    public Optional<String> tetherIdText() {
        return tetherId.isPresent() ? Optional.of(Identities.formatTetherId(tetherId.getAsLong())) : Optional.empty();
    }
}
