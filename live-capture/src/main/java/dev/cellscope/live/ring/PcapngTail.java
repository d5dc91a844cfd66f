package dev.cellscope.live.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds where the whole blocks of a little-endian pcapng file (as cellscope writes them) end, and
 * cuts a torn tail off. A tail can be torn only when the writing process was killed inside one
 * write call: Linux stops a large write at a page boundary when a fatal signal is pending
 * (generic_perform_write), so the last write may have landed in part. {@link RingWriter} repairs
 * the newest file of its prefix when it starts, so a restarted probe leaves no torn file behind.
 */
final class PcapngTail {

    private static final int SHB = 0x0A0D0D0A;

    private PcapngTail() {}

    /** Length of the longest prefix of {@code file} made of whole, well-framed blocks. */
    static long wholeBlocks(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return wholeBlocks(ch);
        }
    }

    private static long wholeBlocks(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        long at = 0;
        while (size - at >= 12) {
            head.clear();
            ch.read(head, at);
            if (head.hasRemaining()) {
                break;
            }
            int type = head.getInt(0);
            long length = Integer.toUnsignedLong(head.getInt(4));
            if ((at == 0 && type != SHB) || length < 12 || length % 4 != 0 || length > size - at) {
                break;
            }
            tail.clear();
            ch.read(tail, at + length - 4);
            if (tail.hasRemaining() || Integer.toUnsignedLong(tail.getInt(0)) != length) {
                break;
            }
            at += length;
        }
        return at;
    }

    /**
     * Cuts {@code file} back to its whole blocks; returns the bytes cut off (0 when it was whole).
     * A file with no whole block at all is left alone (it is not ours to judge).
     */
    static long repair(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long whole = wholeBlocks(ch);
            long size = ch.size();
            if (whole == 0 || whole == size) {
                return 0;
            }
            ch.truncate(whole);
            return size - whole;
        }
    }
}
