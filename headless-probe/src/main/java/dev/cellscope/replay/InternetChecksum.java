package dev.cellscope.replay;

/**
 * The Internet checksum (RFC 1071) updated for changed 16-bit words without the data it covers
 * (RFC 1624, equation 3: HC' = ~(~HC + ~m + m')). A checksum that was right stays right, and one that was
 * wrong stays wrong by the same amount: a rewrite never hides a fault the capture shows. Used where the
 * covered bytes are not all at hand, such as a UDP datagram split into IPv4 fragments.
 */
final class InternetChecksum {
    private InternetChecksum() {}

    /** {@code checksum} after each word {@code before[i]} became {@code after[i]} (16-bit values). */
    static int adjust(int checksum, int[] before, int[] after) {
        long sum = ~checksum & 0xFFFF;
        for (int i = 0; i < before.length; i++) sum += (~before[i] & 0xFFFF) + (after[i] & 0xFFFF);
        while (sum >>> 16 != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }
}
