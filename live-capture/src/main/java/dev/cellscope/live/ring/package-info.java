/**
 * pcapng ring files like {@code dumpcap -b}: {@link dev.cellscope.live.ring.RingWriter} rotates by
 * size, duration or packet count, keeps the last N files, ends every file with Interface Statistics
 * Blocks and keeps the file being written readable after {@code kill -9}. See the module README.
 */
package dev.cellscope.live.ring;
