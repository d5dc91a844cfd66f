package dev.cellscope.endpoint.tether;

import dev.cellscope.crypto.Crc64GoIso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A flow's content, allocated as data arrives: fixed-size pages made on their first write, so
 * a Define announcing a gigabyte costs nothing until the bytes come (issue 12: a 128-byte Define
 * used to allocate its whole total_bytes at once). Pages never written read as zeros.
 */
public final class FlowContent {
    /** 64 KiB: small enough that a sparse writer gains little, large enough that a GiB is 16k pages. */
    static final int PAGE = 64 * 1024;

    private final long length;
    private final byte[][] pages;
    private long allocated;

    FlowContent(long length) {
        if (length < 0 || length > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("content length " + length);
        this.length = length;
        this.pages = new byte[(int) ((length + PAGE - 1) / PAGE)][];
    }

    /** Content of an array (tests, the sender's side). */
    public static FlowContent of(byte[] bytes) {
        FlowContent c = new FlowContent(bytes.length);
        c.write(0, bytes, bytes.length);
        return c;
    }

    public long length() {
        return length;
    }

    /** Bytes of pages allocated so far: what this flow costs in memory. */
    public long allocatedBytes() {
        return allocated;
    }

    /** Writes {@code len} bytes of {@code src} at {@code offset}; the range lies within the content. */
    void write(long offset, byte[] src, int len) {
        int done = 0;
        while (done < len) {
            long at = offset + done;
            int page = (int) (at / PAGE), in = (int) (at % PAGE);
            int n = Math.min(len - done, PAGE - in);
            System.arraycopy(src, done, page(page), in, n);
            done += n;
        }
    }

    private byte[] page(int i) {
        if (pages[i] == null) {
            int size = (int) Math.min(PAGE, length - (long) i * PAGE);
            pages[i] = new byte[size];
            allocated += size;
        }
        return pages[i];
    }

    /** CRC-64/GO-ISO of the whole content (unwritten pages as zeros). */
    long crc64() {
        long crc = Crc64GoIso.INIT;
        for (int i = 0; i < pages.length; i++) {
            int size = (int) Math.min(PAGE, length - (long) i * PAGE);
            crc = pages[i] != null ? Crc64GoIso.update(crc, pages[i], 0, size) : Crc64GoIso.updateZeros(crc, size);
        }
        return Crc64GoIso.finish(crc);
    }

    /** Writes the content to {@code out} in order, without a second copy of it in memory. */
    public void writeTo(WritableByteChannel out) throws IOException {
        byte[] zeros = null;
        for (int i = 0; i < pages.length; i++) {
            int size = (int) Math.min(PAGE, length - (long) i * PAGE);
            byte[] src = pages[i];
            if (src == null) src = zeros == null ? (zeros = new byte[PAGE]) : zeros;
            ByteBuffer b = ByteBuffer.wrap(src, 0, size);
            while (b.hasRemaining()) out.write(b);
        }
    }

    /** The whole content as one array (a copy). */
    public byte[] toArray() {
        byte[] all = new byte[(int) length];
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) System.arraycopy(pages[i], 0, all, i * PAGE, pages[i].length);
        }
        return all;
    }
}
