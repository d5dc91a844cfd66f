/**
 * Capture files: reading pcap and pcapng, writing pcapng (and classic pcap).
 *
 * <h2>Formats read</h2>
 * {@link dev.cellscope.io.CaptureReader#open(java.nio.file.Path)} detects the format by magic
 * and reads the file front to back in 1 MiB chunks of heap, the next ones on a thread of its own
 * ({@code ReadAheadFile}: on this machine kind first touching a mapped page costs more than
 * reading it); each {@link dev.cellscope.io.Packet#data()} is a slice of a chunk, valid as long
 * as it is held. A block longer than 16 MiB is not held whole: skipped when it carries nothing
 * a reader needs, damage when it is a packet or interface block.
 * <ul>
 *   <li><b>pcap</b> (libpcap 2.x): both byte orders, microsecond (a1b2c3d4) and nanosecond
 *       (a1b23c4d) timestamps. The link type is the low 16 bits of the header field, as
 *       libpcap's LT_LINKTYPE; the FCS-length bits above are ignored.</li>
 *   <li><b>pcapng</b>: any number of sections, each with its own byte order and interfaces.
 *       Interface ids are numbered across the whole file in declaration order, as tshark does.
 *       Interface options if_name, if_tsresol (power of 10 or of 2) and if_tsoffset are
 *       honoured. Enhanced, simple (no timestamp: 0) and obsolete packet blocks are read;
 *       opt_comment becomes {@link dev.cellscope.io.Packet#comment()} (several joined by a
 *       newline). Interface Statistics Blocks are returned by
 *       {@link dev.cellscope.io.CaptureReader#statistics()} ({@link dev.cellscope.io.InterfaceStatistics};
 *       one that cannot be understood is skipped, never damage). Every other block type (name
 *       resolution, decryption secrets, custom) is skipped by its length.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A file that is empty, too short or not a capture at all (unknown magic, unreadable first
 * header) makes {@code open} throw {@link dev.cellscope.io.CaptureFormatException} naming
 * the file and what was found. Damage later in the file never throws:
 * {@link dev.cellscope.io.CaptureReader#next()} returns every packet that lies wholly before
 * the damage, then null, and {@link dev.cellscope.io.CaptureReader#error()} gives the byte
 * offset of the bad record or block and what was wrong. Every length field is checked against
 * the bytes that remain before it is used, so a lying length can neither allocate nor read
 * outside the file; captured lengths above 262144 bytes (Wireshark's limit) are damage. A file
 * that shrinks while it is read ends with damage at the offset where its bytes ran out.
 * Every step advances by at least one block, so reading always ends.
 *
 * <h2>Writing</h2>
 * {@link dev.cellscope.io.PcapngWriter} writes little-endian pcapng with nanosecond
 * timestamps and packet comments, section and interface descriptions
 * ({@link dev.cellscope.io.SectionInfo}: shb_hardware, shb_os, shb_userappl;
 * {@link dev.cellscope.io.InterfaceDescription}: if_name, if_description, if_filter, if_os) and
 * Interface Statistics Blocks. It hands only whole blocks to the operating system, and cuts a
 * file back to its last whole block when a write fails, so a killed writer or a full disk leaves
 * a readable file. {@link dev.cellscope.io.PcapWriter} writes nanosecond pcap.
 */
package dev.cellscope.io;
