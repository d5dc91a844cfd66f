package dev.cellscope.nativetap;

import dev.cellscope.blocks.ZlibEngine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * zlib inflation through the system's libdeflate ({@code libdeflate.so.0}, Debian's libdeflate0), called through
 * FFM: whole-buffer decompression, about 2-3× {@link java.util.zip.Inflater}'s speed on the 64 KiB blocks of
 * UTCP-SBI (bench/README.md), which made deflate the largest cost of full analysis. Registered as a
 * {@link ZlibEngine} service; when the library is not installed, {@link #available()} is false and
 * {@code BlockCodec} keeps using {@code Inflater}.
 *
 * <p>The calls are critical (heap arrays passed without copying; a GC waits for the call, at most one block's
 * inflation: under a millisecond for a 64 KiB block, 16 MiB blocks take tens of ms).
 */
public final class LibDeflate implements ZlibEngine {
    /** The library's soname; {@code -Dcellscope.libdeflate.library=PATH} names another (tests). */
    static final String LIBRARY = "libdeflate.so.0";
    static final String LIBRARY_PROPERTY = "cellscope.libdeflate.library";

    private static final int SUCCESS = 0;
    private static final int INSUFFICIENT_SPACE = 3;

    private record Handles(MethodHandle alloc, MethodHandle free, MethodHandle zlib) {}

    private static final Handles HANDLES;
    private static final String FAILURE;

    static {
        Handles h = null;
        String failure = null;
        try {
            String lib = System.getProperty(LIBRARY_PROPERTY, LIBRARY);
            SymbolLookup lookup = SymbolLookup.libraryLookup(lib, Arena.global());
            Linker linker = Linker.nativeLinker();
            MethodHandle alloc = linker.downcallHandle(find(lookup, "libdeflate_alloc_decompressor"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS));
            MethodHandle free = linker.downcallHandle(find(lookup, "libdeflate_free_decompressor"),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            // enum libdeflate_result libdeflate_zlib_decompress_ex(d, in, in_nbytes, out, out_nbytes_avail,
            //                                                       size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret)
            MethodHandle zlib = linker.downcallHandle(find(lookup, "libdeflate_zlib_decompress_ex"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    Linker.Option.critical(true));
            h = new Handles(alloc, free, zlib);
        } catch (RuntimeException | LinkageError e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        HANDLES = h;
        FAILURE = failure;
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalArgumentException("no symbol " + name));
    }

    /** Why the library did not load, or null when it did. */
    public static String unavailableReason() {
        return FAILURE;
    }

    @Override
    public String name() {
        return HANDLES != null ? "libdeflate (" + System.getProperty(LIBRARY_PROPERTY, LIBRARY) + ", FFM)" : "libdeflate [" + FAILURE + "]";
    }

    @Override
    public boolean available() {
        return HANDLES != null;
    }

    @Override
    public Decoder newDecoder() {
        if (HANDLES == null) throw new IllegalStateException("libdeflate is unavailable: " + FAILURE);
        return new LibDeflateDecoder(HANDLES);
    }

    private static final class LibDeflateDecoder implements Decoder {
        private final Handles h;
        private final long[] counts = new long[2]; // actual_in_nbytes, actual_out_nbytes
        private final MemorySegment inCount = MemorySegment.ofArray(counts).asSlice(0, 8);
        private final MemorySegment outCount = MemorySegment.ofArray(counts).asSlice(8, 8);
        private MemorySegment decompressor;

        LibDeflateDecoder(Handles h) {
            this.h = h;
            try {
                decompressor = (MemorySegment) h.alloc().invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_alloc_decompressor failed", t);
            }
            if (decompressor.address() == 0) throw new OutOfMemoryError("libdeflate_alloc_decompressor returned NULL");
        }

        @Override
        public int inflate(byte[] in, int off, int len, byte[] out, int outCap) {
            Objects.checkFromIndexSize(off, len, in.length);
            Objects.checkFromIndexSize(0, outCap, out.length);
            if (decompressor == null) throw new IllegalStateException("decoder closed");
            int r;
            try {
                r = (int) h.zlib().invokeExact(decompressor, MemorySegment.ofArray(in).asSlice(off, len), (long) len,
                        MemorySegment.ofArray(out), (long) outCap, inCount, outCount);
            } catch (Throwable t) {
                return FAILED;
            }
            if (r == INSUFFICIENT_SPACE) return NO_ROOM;
            if (r != SUCCESS || counts[0] != len) return FAILED; // bad data, or bytes after the stream
            return (int) counts[1];
        }

        @Override
        public void close() {
            if (decompressor == null) return;
            try {
                h.free().invokeExact(decompressor);
            } catch (Throwable ignored) {
                // freeing cannot fail in libdeflate; nothing to report
            }
            decompressor = null;
        }
    }
}
