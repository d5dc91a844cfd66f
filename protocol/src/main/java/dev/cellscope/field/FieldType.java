package dev.cellscope.field;

/**
 * How a field's value is held and shown. The type decides the text form used by
 * {@code -T fields}, JSON, CSV and filters, so every output agrees.
 */
public enum FieldType {
    /** A protocol layer: present or absent, no value. */
    PROTOCOL,
    /** Unsigned integer shown in decimal. */
    UINT,
    /** Signed integer shown in decimal (credit balances, which go negative on an overrun). */
    INT,
    /** Unsigned integer shown as 0x-prefixed hex padded to the field width (flags). */
    UINT_HEX,
    /** Unsigned integer whose values have names (shown by name in trees, as decimal in -T fields). */
    ENUM,
    /** A symbolic value (ordinal into the field's names), shown by name everywhere: expert severity/group. */
    SYMBOL,
    /** 0 or 1, shown as 1/0 in -T fields and True/False in trees. */
    BOOLEAN,
    /** A frame number that refers to another frame. */
    FRAMENUM,
    /** Raw bytes, lowercase hex without separators. */
    BYTES,
    /** 128-bit UTCP CellID: 32 lowercase hex digits (or an address-book name in trees). */
    CELLID,
    /** 48-bit Ethernet MAC, lowercase colon form. */
    ETHER,
    /** 48-bit Tether identity, shown MAC-style {@code ac:1d:xx:xx:xx:xx}. */
    TETHER_ID,
    /** IPv4 address held as a 32-bit value. */
    IPV4,
    /** IPv6 address held as 16 bytes. */
    IPV6,
    /** UTF-8 text. */
    STRING,
    /** Absolute time: nanoseconds since the Unix epoch, shown as epoch seconds with 9 decimals. */
    ABSTIME,
    /** Relative time or duration in nanoseconds, shown as seconds with 9 decimals. */
    RELTIME,
    /** A floating-point number held as double bits. */
    DOUBLE;

    /** True for types whose value is carried as a primitive long in sinks. */
    public boolean isNumeric() {
        return switch (this) {
            case UINT, INT, UINT_HEX, ENUM, SYMBOL, BOOLEAN, FRAMENUM, ETHER, TETHER_ID, IPV4, ABSTIME, RELTIME, DOUBLE -> true;
            default -> false;
        };
    }

    /** True for types whose value is a byte string. */
    public boolean isBytes() {
        return this == BYTES || this == CELLID || this == IPV6;
    }
}
