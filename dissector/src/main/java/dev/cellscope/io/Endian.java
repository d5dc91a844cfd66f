package dev.cellscope.io;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Unaligned integer layouts for one byte order. Capture formats record the writer's byte
 * order (pcap per file, pcapng per section), so readers pick one of these two constants
 * once and then read straight from the mapping.
 */
record Endian(ValueLayout.OfShort u16, ValueLayout.OfInt u32, ValueLayout.OfLong u64) {

    static final Endian LITTLE = of(ByteOrder.LITTLE_ENDIAN);
    static final Endian BIG = of(ByteOrder.BIG_ENDIAN);

    private static Endian of(ByteOrder order) {
        return new Endian(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order),
                ValueLayout.JAVA_INT_UNALIGNED.withOrder(order),
                ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order));
    }
}
