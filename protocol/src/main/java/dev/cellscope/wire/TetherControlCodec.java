package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Pieces shared by the Tether control codecs. */
final class TetherControlCodec {
    private TetherControlCodec() {}

    static final Slot TAG = TetherLayouts.CTRL_PREFIX.slot("tag");

    /** Builds a record from a u64-list body's two u16 fields and its values. */
    @FunctionalInterface
    interface U64ListFactory<T> {
        T create(int first, int second, long[] values);
    }

    /**
     * A body of {u16, u16, count u32} then count × u64 (bulk Nack, Sideband). The count is
     * checked against the bytes present before the array is allocated.
     */
    record U64List(Layout spine, Slot first, Slot second, Slot count, String name) {
        static final int VALUE = Long.BYTES;
        private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(TetherLayouts.NACK.order());
        private static final int MAX_VALUES = (Integer.MAX_VALUE - 2 * TetherLayouts.BLOCK) / VALUE;

        U64List(Layout spine, String first, String second, String name) {
            this(spine, spine.slot(first), spine.slot(second), spine.slot("count"), name);
        }

        long[] checked(long[] values) {
            if (values.length > MAX_VALUES) throw new IllegalArgumentException(values.length + " values are too many");
            return values;
        }

        int size(long[] values) {
            return spine.size() + values.length * VALUE;
        }

        <T> Decoded<T> decode(MemorySegment seg, long body, long room, U64ListFactory<T> factory) {
            if (room < spine.size()) return Input.truncated(name + " body", spine.size(), room);
            long n = count.get(seg, body);
            long space = (room - spine.size()) / VALUE;
            if (n > space) {
                return Decoded.invalid(name + " count " + n + " needs " + n * VALUE + " bytes, the payload has "
                        + space * VALUE, count.offset());
            }
            long[] values = new long[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = seg.get(U64_LE, body + spine.size() + (long) i * VALUE);
            }
            return Decoded.ok(factory.create(first.getInt(seg, body), second.getInt(seg, body), values), size(values));
        }

        void encode(MemorySegment dst, long body, int firstValue, int secondValue, long[] values) {
            first.set(dst, body, firstValue);
            second.set(dst, body, secondValue);
            count.set(dst, body, values.length);
            for (int i = 0; i < values.length; i++) {
                dst.set(U64_LE, body + spine.size() + (long) i * VALUE, values[i]);
            }
        }
    }
}
