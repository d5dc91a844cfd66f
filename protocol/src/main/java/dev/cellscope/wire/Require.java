package dev.cellscope.wire;

import java.util.Objects;

/** Constructor checks: a record that exists can be encoded. Misuse is a programming error. */
final class Require {
    private Require() {}

    static long unsigned(long value, int bits, String name) {
        if (bits < 64 && (value < 0 || value >>> bits != 0)) {
            throw new IllegalArgumentException(name + " " + value + " does not fit in " + bits + " unsigned bits");
        }
        return value;
    }

    static int unsigned(int value, int bits, String name) {
        return (int) unsigned((long) value, bits, name);
    }

    static Bytes length(Bytes value, int length, String name) {
        Objects.requireNonNull(value, name);
        if (value.length() != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + value.length());
        }
        return value;
    }
}
