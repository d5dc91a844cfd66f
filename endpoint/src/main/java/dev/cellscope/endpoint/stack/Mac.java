package dev.cellscope.endpoint.stack;

import dev.cellscope.nativetap.packet.MacAddress;

/**
 * A neighbour's MAC on the raw Ethernet link. {@code RawEthernetLink} addresses neighbours as a
 * bare {@code long}, which the stack's events would print in decimal; this wrapper prints
 * {@code 02:00:00:00:00:01}.
 */
public record Mac(long value) {
    /** @throws IllegalArgumentException when {@code text} is not {@code aa:bb:cc:dd:ee:ff} */
    public static Mac parse(String text) {
        return new Mac(MacAddress.parse(text));
    }

    @Override
    public String toString() {
        return MacAddress.format(value);
    }
}
