/**
 * Checksums, hashes and identities the wire contract (PROTOCOLS.md) is built on.
 *
 * <ul>
 *   <li>{@link dev.cellscope.crypto.Crc64GoIso}: CRC-64/GO-ISO, the Tether frame checksum,
 *       with the rule that the header's checksum field counts as zero.</li>
 *   <li>{@link dev.cellscope.crypto.Blake3}: BLAKE3-256 for Tether IDs, SBI block hashes and
 *       schema fingerprints. {@link dev.cellscope.crypto.Blake3Engine} is a
 *       {@link java.util.ServiceLoader} SPI so a native engine can be plugged in from another
 *       module; {@link dev.cellscope.crypto.JavaBlake3} (BouncyCastle) is the always-present
 *       fallback.</li>
 *   <li>{@link dev.cellscope.crypto.SipHash128}: SipHash-2-4 with 128-bit output, for UTCP
 *       CellIDs.</li>
 *   <li>{@link dev.cellscope.crypto.Identities}: CellID and Tether ID derivation from an
 *       Ed25519 public key, the well-known Tether IDs, and their text forms.</li>
 *   <li>{@link dev.cellscope.crypto.SchemaFingerprints}: UTCP-SBI schema fingerprints of the
 *       declared container layouts, and an allocation-free reverse lookup.</li>
 * </ul>
 *
 * <p>Everything here is stateless or thread-confined and safe to call from any thread.
 * Bad wire data never makes these methods throw; only wrong key/array sizes (caller
 * errors) raise documented {@link java.lang.IllegalArgumentException}s, and ranges outside
 * the given array or segment raise {@link java.lang.IndexOutOfBoundsException}. Hex text uses
 * {@link java.util.HexFormat} (lowercase), so the package has no hex helper of its own.
 */
package dev.cellscope.crypto;
