package dev.cellscope.analysis;

/**
 * What the tap saw of the recent seqs of one direction: for each seq, the frame that first
 * carried it and a hash of its payload (to tell a duplicate from changed data). A ring indexed
 * by {@code seq mod capacity}, growing from a small size as the direction's span grows, so a
 * one-packet stream costs little and a long one is bounded (1024 seqs: duplicates arrive close together); seqs older than the ring are
 * forgotten (treated as never seen).
 */
final class SeqWindow {
    static final int MAX_CAPACITY = 1 << 10;
    private long[] seqs = new long[16];
    private long[] frames = new long[16];
    private long[] hashes = new long[16];

    SeqWindow() {
        java.util.Arrays.fill(seqs, -1);
    }

    /** Frame that first carried {@code seq}, or -1 when the window does not hold it. */
    long frameOf(long seq) {
        int i = slot(seq);
        return seqs[i] == seq ? frames[i] : -1;
    }

    long hashOf(long seq) {
        return hashes[slot(seq)];
    }

    void record(long seq, long frame, long hash, long span) {
        grow(span);
        int i = slot(seq);
        seqs[i] = seq;
        frames[i] = frame;
        hashes[i] = hash;
    }

    /** Grows (up to the cap) so that {@code span} consecutive seqs fit without overwriting. */
    private void grow(long span) {
        if (span < seqs.length || seqs.length == MAX_CAPACITY) return;
        int n = seqs.length;
        while (n <= span && n < MAX_CAPACITY) n <<= 1;
        long[] s = new long[n], f = new long[n], h = new long[n];
        java.util.Arrays.fill(s, -1);
        for (int i = 0; i < seqs.length; i++) {
            if (seqs[i] < 0) continue;
            int j = (int) (seqs[i] & (n - 1));
            s[j] = seqs[i];
            f[j] = frames[i];
            h[j] = hashes[i];
        }
        seqs = s;
        frames = f;
        hashes = h;
    }

    private int slot(long seq) {
        return (int) (seq & (seqs.length - 1));
    }

    int capacity() {
        return seqs.length;
    }
}
