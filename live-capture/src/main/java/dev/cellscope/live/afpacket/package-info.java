/**
 * The AF_PACKET ring backend ({@code --backend afpacket}): native-tap's TPACKET_V3 ring behind the
 * live-capture SPI. Registered with {@link java.util.ServiceLoader}.
 *
 * <p>Fanout: one source is one member of a {@code PACKET_FANOUT} group, read by one thread. A
 * capture session dissects and analyses its frames in order on one thread, and a ring thread only
 * copies frames (tens of nanoseconds each, against microseconds of dissection), so several ring
 * threads feeding one session would add no throughput and would interleave the members' frames
 * out of capture order. To spread a port over cores, open several sources with the same group,
 * each read by its own session (several probes, or probe workers): with mode {@code hash} each
 * sees whole flows.
 */
package dev.cellscope.live.afpacket;
