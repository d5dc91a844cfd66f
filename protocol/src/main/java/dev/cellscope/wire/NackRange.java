package dev.cellscope.wire;

/** One UTCP NACK range: {@code count} missing seqs from {@code first} (both u32). */
public record NackRange(long first, long count) {
    public NackRange {
        Require.unsigned(first, 32, "first");
        Require.unsigned(count, 32, "count");
    }
}
