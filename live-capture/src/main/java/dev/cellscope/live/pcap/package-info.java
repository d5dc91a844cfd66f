/**
 * The libpcap backend ({@code --backend pcap}) through pcap4j: the only package of ours that
 * touches pcap4j (and, through it, JNA). It waits for libpcap's descriptor with native-tap's
 * {@code nativetap.io.ReadableWait} (FFM). Registered with {@link java.util.ServiceLoader}.
 */
package dev.cellscope.live.pcap;
