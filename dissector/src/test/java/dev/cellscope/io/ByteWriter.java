package dev.cellscope.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;

/** Test helper: appends integers in a chosen byte order, to build capture files by hand. */
final class ByteWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteOrder order;

    ByteWriter(ByteOrder order) {
        this.order = order;
    }

    int size() {
        return out.size();
    }

    ByteWriter u8(int v) {
        out.write(v);
        return this;
    }

    ByteWriter u16(int v) {
        return order == ByteOrder.BIG_ENDIAN ? u8(v >>> 8).u8(v) : u8(v).u8(v >>> 8);
    }

    ByteWriter u32(long v) {
        return order == ByteOrder.BIG_ENDIAN ? u16((int) (v >>> 16)).u16((int) v) : u16((int) v).u16((int) (v >>> 16));
    }

    ByteWriter u64(long v) {
        return order == ByteOrder.BIG_ENDIAN ? u32(v >>> 32).u32(v) : u32(v).u32(v >>> 32);
    }

    ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    ByteWriter pad32() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
