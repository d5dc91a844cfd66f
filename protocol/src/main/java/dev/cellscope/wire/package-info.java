/**
 * Wire codecs: one record per message of PROTOCOLS.md, exact to the byte in both directions.
 *
 * <h2>Layouts</h2>
 * Every offset comes from a {@link dev.cellscope.wire.Layout} declared once ({@code LinkLayouts},
 * {@code UtcpLayouts}, {@code TetherLayouts}, {@code SbiLayouts}); codecs cache its
 * {@link dev.cellscope.wire.Slot}s in static finals and never type an offset. Values the wire
 * splits (Tether sender hi:32|lo:16 and target hi:16|lo:32, the Manifest checksum lo/hi, the
 * VLAN TCI, the IPv4 version/IHL and IPv6 version/class/flow words) are joined in the record.
 *
 * <h2>Decoding</h2>
 * {@code decode(MemorySegment seg, long offset, long available)} (and {@code decode(byte[])})
 * returns a {@link dev.cellscope.wire.Decoded}: {@code Ok(value, length)} with the bytes
 * consumed, {@code Invalid(cause, offset)} with the offset of the problem relative to the input
 * start, or, for the UTCP-SBI stream only, {@code Incomplete(needed, available)}: the bytes so
 * far are a valid prefix and a reader must wait rather than give up. Decoders never throw on
 * bad input and never read past {@code available} (capped at the segment's end). Every length
 * or count field is checked against the bytes present before anything is allocated from it.
 * Where a format has no length field (a Tether frame, a Tether control payload, an SBI
 * container, a UTCP NACK payload), {@code available} is that exact length.
 *
 * <h2>Encoding</h2>
 * {@code encodedSize()}, {@code encodeTo(MemorySegment dst, long offset)} and {@code encode()}.
 * Constructors validate what the wire can carry (field widths, hash sizes, frame limits) and
 * throw {@link java.lang.IllegalArgumentException}: that is programmer misuse, never input.
 * A decoded record re-encodes to the bytes it came from, except bytes the formats reserve or
 * pad (Tether control reserved words and block padding, SBI {@code _pad} fields), which
 * decoding ignores and encoding writes as zero; the dissector reports non-zero ones itself.
 * Checksums that are fields (IPv4, UDP, Tether) are record components written as given;
 * {@code withComputedChecksum}/{@code withChecksumIpv4}/{@code withChecksumIpv6} and
 * {@code TetherFrame.encodeWithChecksum(crc)} compute them. The Tether CRC and the SBI schema
 * fingerprints are supplied by the caller, so this package depends on no crypto code.
 *
 * <h2>Values</h2>
 * Byte strings are {@link dev.cellscope.wire.Bytes} (immutable, compared by content); unsigned
 * 32-bit fields are {@code long}, narrower ones {@code int}; MACs and Tether ids are 48-bit longs.
 */
package dev.cellscope.wire;
