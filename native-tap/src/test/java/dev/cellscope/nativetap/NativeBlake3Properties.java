package dev.cellscope.nativetap;

import dev.cellscope.crypto.JavaBlake3;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The native engine agrees with the pure-Java one on every input, offset and segment kind. */
@AddLifecycleHook(NativeRequired.class)
class NativeBlake3Properties {
    private static final JavaBlake3 REFERENCE = new JavaBlake3();

    enum Kind { HEAP, NATIVE, READ_ONLY_HEAP, READ_ONLY_NATIVE }

    @Property(tries = 400)
    void nativeEqualsPureJava(@ForAll @IntRange(max = 40_000) int len, @ForAll @IntRange(max = 100) int before,
                              @ForAll @IntRange(max = 100) int after, @ForAll Kind kind, @ForAll long seed) {
        NativeBlake3 e = NativeRequired.engine();
        byte[] whole = new byte[before + len + after];
        new SplittableRandom(seed).nextBytes(whole);
        byte[] want = new byte[32];
        REFERENCE.hash(MemorySegment.ofArray(whole), before, len, want);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = switch (kind) {
                case HEAP, READ_ONLY_HEAP -> MemorySegment.ofArray(whole);
                case NATIVE, READ_ONLY_NATIVE -> arena.allocate(whole.length).copyFrom(MemorySegment.ofArray(whole));
            };
            if (kind == Kind.READ_ONLY_HEAP || kind == Kind.READ_ONLY_NATIVE) seg = seg.asReadOnly();
            byte[] got = new byte[32];
            e.hash(seg, before, len, got);
            assertArrayEquals(want, got, kind + " len=" + len + " at " + before);
        }
    }
}
