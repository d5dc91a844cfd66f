package dev.cellscope.field;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One field of the registry: a dotted name ({@code utcp.seq}), a human title, a type,
 * and a description. Every output (tree, -T fields, JSON, filters, CSV) reads these.
 *
 * @param id          dense index, unique across the registry, for array-backed sinks
 * @param name        the dotted filter name
 * @param title       the label shown in the detail tree
 * @param type        value representation and display form
 * @param bits        width in bits for integers (decides hex padding); 0 where not meaningful
 * @param mask        for flag bits: the mask within the parent integer; 0 otherwise
 * @param valueNames  names of values for ENUM/SYMBOL fields (empty otherwise)
 * @param description one sentence for the documentation and {@code --list-fields}
 */
public record FieldDef(int id, String name, String title, FieldType type, int bits, long mask,
                       Map<Long, String> valueNames, String description) {

    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    public FieldDef {
        Objects.requireNonNull(name);
        Objects.requireNonNull(title);
        Objects.requireNonNull(type);
        valueNames = Map.copyOf(valueNames);
    }

    /** The protocol part of the name: {@code utcp} for {@code utcp.flags.syn}. */
    public String protocol() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** Name of a value, or null when it has none. */
    public String nameOf(long value) {
        return valueNames.get(value);
    }

    // ---- factories: one call declares a field ----

    public static FieldDef protocol(String name, String title, String description) {
        return make(name, title, FieldType.PROTOCOL, 0, 0, Map.of(), description);
    }

    public static FieldDef uint(String name, String title, int bits, String description) {
        return make(name, title, FieldType.UINT, bits, 0, Map.of(), description);
    }

    public static FieldDef signed(String name, String title, int bits, String description) {
        return make(name, title, FieldType.INT, bits, 0, Map.of(), description);
    }

    public static FieldDef hex(String name, String title, int bits, String description) {
        return make(name, title, FieldType.UINT_HEX, bits, 0, Map.of(), description);
    }

    public static FieldDef enumerated(String name, String title, int bits, Map<Long, String> names, String description) {
        return make(name, title, FieldType.ENUM, bits, 0, names, description);
    }

    public static FieldDef symbol(String name, String title, Map<Long, String> names, String description) {
        return make(name, title, FieldType.SYMBOL, 8, 0, names, description);
    }

    /** A single flag bit inside an integer field; the value carried is 0 or 1. */
    public static FieldDef flag(String name, String title, long mask, String description) {
        return make(name, title, FieldType.BOOLEAN, 1, mask, Map.of(), description);
    }

    public static FieldDef bool(String name, String title, String description) {
        return make(name, title, FieldType.BOOLEAN, 1, 0, Map.of(), description);
    }

    public static FieldDef frame(String name, String title, String description) {
        return make(name, title, FieldType.FRAMENUM, 32, 0, Map.of(), description);
    }

    public static FieldDef of(String name, String title, FieldType type, String description) {
        int bits = switch (type) {
            case ETHER, TETHER_ID -> 48;
            case IPV4 -> 32;
            default -> 64;
        };
        return make(name, title, type, bits, 0, Map.of(), description);
    }

    private static FieldDef make(String name, String title, FieldType type, int bits, long mask,
                                 Map<Long, String> names, String description) {
        return new FieldDef(NEXT_ID.getAndIncrement(), name, title, type, bits, mask, names, description);
    }

    /** Upper bound on ids handed out so far (sizes array-backed sinks). */
    public static int idLimit() {
        return NEXT_ID.get();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldDef f && f.id == id;
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return name;
    }
}
