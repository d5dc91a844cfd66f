/**
 * The UTCP-SBI vocabulary (PROTOCOLS.md section 4), each value written once: op codes and
 * names ({@link dev.cellscope.protocol.sbi.SbiOps}), compression algorithms
 * ({@link dev.cellscope.protocol.sbi.SbiCompression}), NACK error codes
 * ({@link dev.cellscope.protocol.sbi.SbiErrorCode}), capability bits
 * ({@link dev.cellscope.protocol.sbi.SbiCapability}), BLOCK_WANT priorities
 * ({@link dev.cellscope.protocol.sbi.SbiPriority}), limits
 * ({@link dev.cellscope.protocol.sbi.SbiLimits}) and the HANDSHAKE negotiation
 * ({@link dev.cellscope.protocol.sbi.SbiNegotiation}).
 *
 * <p>The tap (analysis, dissector), the peer (endpoint) and the display (field registry) all
 * read these; so this package imports nothing of the project's, and the wire codecs and the
 * field registry import it, never the other way round.
 */
package dev.cellscope.protocol.sbi;
