package dev.cellscope.gui.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the packet list shows of every frame, in primitive columns (about 60 bytes a frame, Info
 * text included): where its bytes are in the file, when, how long, the summary columns and its
 * colour. The detail tree is never kept: the selected frame is dissected again from the file
 * (DESIGN.md "Data flow"), as Wireshark does.
 *
 * <p>One writer (the session's thread) appends; the UI thread reads frames below {@link #size()},
 * which is published after the frame's columns are written. Columns grow in fixed chunks that
 * never move, so a reader never sees a half-copied array.
 */
public final class FrameIndex {
    private static final int SHIFT = 16, CHUNK = 1 << SHIFT, MASK = CHUNK - 1;
    /** 2^14 chunks of 2^16 frames: a billion frames, and a directory of 16 K references. */
    private static final int MAX_CHUNKS = 1 << 14;

    private final long[][] offset = new long[MAX_CHUNKS][], time = new long[MAX_CHUNKS][], infoAt = new long[MAX_CHUNKS][];
    private final int[][] capLen = new int[MAX_CHUNKS][], wireLen = new int[MAX_CHUNKS][], src = new int[MAX_CHUNKS][],
            dst = new int[MAX_CHUNKS][];
    /** link type (low 16 bits), protocol column id (next 8), colour rule + 1 (top 8; 0 = none). */
    private final int[][] kind = new int[MAX_CHUNKS][];
    private final byte[][] severity = new byte[MAX_CHUNKS][];
    private final TextArena info = new TextArena();
    private final Pool addresses = new Pool(), protocols = new Pool();
    private volatile int size;
    private long firstNanos;

    /** Distinct strings (addresses, protocol names) as small numbers: a capture has few of them. */
    static final class Pool {
        private final Map<String, Integer> ids = new HashMap<>();
        private volatile String[] names = new String[16];
        private int count;

        synchronized int id(String s) {
            Integer id = ids.get(s);
            if (id != null) return id;
            if (count == names.length) names = java.util.Arrays.copyOf(names, count * 2);
            String[] n = names;
            n[count] = s;
            names = n; // republish: readers see the new name through the volatile
            ids.put(s, count);
            return count++;
        }

        String name(int id) {
            return names[id];
        }
    }

    /** Appends frame {@code size()+1}; on the session's thread only. */
    public void add(long dataOffset, long timeNanos, int captured, int originalLength, int linkType, String protocol,
                    String source, String destination, String infoText, int colour, int worstSeverity) {
        int n = size;
        int c = n >>> SHIFT, i = n & MASK;
        if (c >= MAX_CHUNKS) throw new IllegalStateException("more than " + (long) MAX_CHUNKS * CHUNK + " frames");
        if (i == 0) {
            offset[c] = new long[CHUNK];
            time[c] = new long[CHUNK];
            infoAt[c] = new long[CHUNK];
            capLen[c] = new int[CHUNK];
            wireLen[c] = new int[CHUNK];
            src[c] = new int[CHUNK];
            dst[c] = new int[CHUNK];
            kind[c] = new int[CHUNK];
            severity[c] = new byte[CHUNK];
        }
        if (n == 0) firstNanos = timeNanos;
        offset[c][i] = dataOffset;
        time[c][i] = timeNanos;
        capLen[c][i] = captured;
        wireLen[c][i] = originalLength;
        src[c][i] = addresses.id(source);
        dst[c][i] = addresses.id(destination);
        kind[c][i] = (linkType & 0xFFFF) | (Math.min(255, protocols.id(protocol)) << 16) | ((colour + 1) << 24);
        severity[c][i] = (byte) worstSeverity;
        infoAt[c][i] = info.add(infoText);
        size = n + 1; // publishes the frame
    }

    /** Frames indexed so far. */
    public int size() {
        return size;
    }

    public long dataOffset(int i) { return offset[i >>> SHIFT][i & MASK]; }
    public long timeNanos(int i) { return time[i >>> SHIFT][i & MASK]; }
    /** Seconds since the first frame, as the Time column shows. */
    public double relativeSeconds(int i) { return (timeNanos(i) - firstNanos) / 1e9; }
    public long firstNanos() { return firstNanos; }
    public int capturedLength(int i) { return capLen[i >>> SHIFT][i & MASK]; }
    public int originalLength(int i) { return wireLen[i >>> SHIFT][i & MASK]; }
    public long wireLength(int i) { return Integer.toUnsignedLong(originalLength(i)); }
    public int linkType(int i) { return kind[i >>> SHIFT][i & MASK] & 0xFFFF; }
    public String protocol(int i) { return protocols.name((kind[i >>> SHIFT][i & MASK] >>> 16) & 0xFF); }
    public String source(int i) { return addresses.name(src[i >>> SHIFT][i & MASK]); }
    public String destination(int i) { return addresses.name(dst[i >>> SHIFT][i & MASK]); }
    public String info(int i) { return info.get(infoAt[i >>> SHIFT][i & MASK]); }
    /**
     * Whether two frames are of one conversation as the packet list shows it: the same two
     * endpoints (Source and Destination, either way round), compared as pooled ids.
     */
    public boolean sameConversation(int a, int b) {
        int sa = src[a >>> SHIFT][a & MASK], da = dst[a >>> SHIFT][a & MASK];
        int sb = src[b >>> SHIFT][b & MASK], db = dst[b >>> SHIFT][b & MASK];
        return (sa == sb && da == db) || (sa == db && da == sb);
    }

    /**
     * Sets frame {@code i}'s colouring rule (rules edited: {@link Recolour}); from one thread at a time.
     * A reader may see the old colour until the list is drawn again, never a torn one (an int write).
     */
    public void setColour(int i, int colour) {
        int[] k = kind[i >>> SHIFT];
        k[i & MASK] = (k[i & MASK] & 0x00FFFFFF) | ((colour + 1) << 24);
    }

    /** The index of the first colouring rule the frame matched, or -1. */
    public int colour(int i) { return (kind[i >>> SHIFT][i & MASK] >>> 24) - 1; }
    /** The worst expert severity's ordinal + 1, 0 when the frame has no finding. */
    public int severity(int i) { return severity[i >>> SHIFT][i & MASK]; }

    /** The frame (0-based) at or just before {@code nanos}, by binary search over capture time. */
    public int frameAt(long nanos) {
        int lo = 0, hi = size - 1;
        if (hi < 0) return -1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (timeNanos(mid) <= nanos) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** Bytes held, roughly: for the scale measurement (bytes per indexed frame). */
    public long footprintBytes() {
        long chunks = (size + CHUNK - 1) / CHUNK;
        return chunks * CHUNK * (3L * 8 + 5L * 4 + 1) + info.footprintBytes();
    }

    /**
     * Info texts as UTF-8 in big shared blocks, so a million short strings cost their bytes and
     * an offset rather than a million objects.
     */
    static final class TextArena {
        private static final int BLOCK = 1 << 22;
        private final List<byte[]> blocks = new ArrayList<>();
        private byte[] current;
        private int used;
        private volatile byte[][] published = new byte[0][];

        long add(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int len = Math.min(b.length, 0xFFFF);
            if (current == null || used + len > BLOCK) {
                current = new byte[Math.max(BLOCK, len)];
                used = 0;
                blocks.add(current);
                published = blocks.toArray(new byte[0][]);
            }
            System.arraycopy(b, 0, current, used, len);
            long at = ((long) (blocks.size() - 1) << 40) | ((long) used << 16) | len;
            used += len;
            return at;
        }

        String get(long at) {
            byte[] block = published[(int) (at >>> 40)];
            return new String(block, (int) ((at >>> 16) & 0xFFFFFF), (int) (at & 0xFFFF), StandardCharsets.UTF_8);
        }

        long footprintBytes() {
            return (long) blocks.size() * BLOCK;
        }
    }
}
