package dev.cellscope.crypto;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class Blake3Test {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The official BLAKE3 test-vector inputs (byte i = i % 251) at the official lengths.
     * Expected hashes produced once with b3sum 1.2.0 (the official Rust implementation,
     * independent of BouncyCastle); they agree with the "hash" entries of BLAKE3's
     * test_vectors.json.
     */
    private static final Object[][] VECTORS = {
            {0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"},
            {1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"},
            {1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"},
            {1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"},
            {1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"},
            {2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"},
            {2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030"},
            {3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2"},
            {3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3"},
            {4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969"},
            {4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995"},
            {5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833"},
            {5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff"},
            {6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205"},
            {6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f"},
            {7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a"},
            {7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817"},
            {8192, "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63"},
            {8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"},
            {16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4"},
            {31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47"},
            {102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"},
    };

    static byte[] officialInput(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (i % 251);
        return b;
    }

    @Test
    void emptyInput() {
        assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
                HEX.formatHex(Blake3.hash(new byte[0])));
    }

    @Test
    void officialVectorsThroughEveryInputPath() {
        JavaBlake3 pureJava = new JavaBlake3();
        try (Arena arena = Arena.ofConfined()) {
            for (Object[] v : VECTORS) {
                int len = (Integer) v[0];
                byte[] want = HEX.parseHex((String) v[1]);
                byte[] in = officialInput(len);
                assertArrayEquals(want, Blake3.hash(in), "facade byte[] len=" + len);
                assertArrayEquals(want, pureJava.hash(in), "JavaBlake3 byte[] len=" + len);

                // heap segment slice inside a larger array: fed via heapBase() at the right offset
                byte[] padded = new byte[len + 13];
                System.arraycopy(in, 0, padded, 7, len);
                padded[3] = 99;
                padded[len + 8] = 99;
                MemorySegment slice = MemorySegment.ofArray(padded).asSlice(5);
                assertArrayEquals(want, Blake3.hash(slice, 2, len), "heap slice len=" + len);

                // native and read-only segments: copied through the chunk buffer
                MemorySegment nat = arena.allocate(len + 1);
                MemorySegment.copy(in, 0, nat, ValueLayout.JAVA_BYTE, 1, len);
                assertArrayEquals(want, Blake3.hash(nat, 1, len), "native len=" + len);
                assertArrayEquals(want, Blake3.hash(MemorySegment.ofArray(in).asReadOnly(), 0, len),
                        "read-only len=" + len);
            }
        }
    }

    @Test
    void inputsLargerThanTheCopyBufferAreHashedCompletely() throws Exception {
        // 3.5 copy chunks through the native path, checked against the heap path and b3sum
        byte[] in = new byte[JavaBlake3.CHUNK * 7 / 2];
        new SplittableRandom(3).nextBytes(in);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(in.length);
            nat.copyFrom(MemorySegment.ofArray(in));
            assertArrayEquals(Blake3.hash(in), Blake3.hash(nat, 0, in.length));
        }
        if (B3sum.present()) assertArrayEquals(B3sum.of(in), Blake3.hash(in));
    }

    @Test
    void randomMebibyteAgreesWithB3sumAtTestTime() throws Exception {
        assumeTrue(B3sum.present(), "b3sum not installed at " + B3sum.EXE + ": skipping the live cross-check");
        byte[] in = new byte[1 << 20];
        new SplittableRandom().nextBytes(in);
        Path f = Files.createTempFile("cellscope-b3", ".bin");
        try {
            Files.write(f, in);
            Process p = new ProcessBuilder(B3sum.EXE.toString(), "--no-names", f.toString()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertEquals(0, p.waitFor());
            assertEquals(out, HEX.formatHex(Blake3.hash(in)));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void rejectsShortOutputArrayAndBadRange() {
        JavaBlake3 e = new JavaBlake3();
        MemorySegment s = MemorySegment.ofArray(new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> e.hash(s, 0, 10, new byte[31]));
        assertThrows(IndexOutOfBoundsException.class, () -> e.hash(s, 5, 6, new byte[32]));
    }

    @Test
    void withoutProvidersTheFacadeUsesPureJava() {
        // the dissector module registers no provider; the native one comes from elsewhere
        assertInstanceOf(JavaBlake3.class, Blake3.engine());
        assertSame(Blake3.engine(), Blake3.engine());
    }

    // ---- provider selection, with fake providers ----

    private static Blake3Engine fake(String name, boolean available) {
        return new Blake3Engine() {
            public String name() { return name; }
            public boolean available() { return available; }
            public void hash(MemorySegment in, long off, long len, byte[] out32) {}
        };
    }

    @Test
    void selectTakesTheFirstAvailableProvider() {
        Blake3Engine off = fake("native-a", false), on = fake("native-b", true);
        Blake3.Selection s = Blake3.select(List.of(off, on).iterator());
        assertSame(on, s.engine());
        assertNull(s.fallbackReason());
    }

    @Test
    void selectFallsBackWithAReason() {
        Blake3.Selection none = Blake3.select(List.<Blake3Engine>of().iterator());
        assertInstanceOf(JavaBlake3.class, none.engine());
        assertEquals("no Blake3Engine provider on the class path", none.fallbackReason());

        Blake3Engine throwing = new Blake3Engine() {
            public String name() { return "native-c"; }
            public boolean available() { throw new UnsatisfiedLinkError("no libblake3 in java.library.path"); }
            public void hash(MemorySegment in, long off, long len, byte[] out32) {}
        };
        Blake3.Selection s = Blake3.select(List.of(fake("native-a", false), throwing).iterator());
        assertInstanceOf(JavaBlake3.class, s.engine());
        assertTrue(s.fallbackReason().contains("native-a reports unavailable"), s.fallbackReason());
        assertTrue(s.fallbackReason().contains("no libblake3"), s.fallbackReason());
    }

    @Test
    void selectSurvivesProvidersThatFailToLoad() {
        List<Object> items = new ArrayList<>(List.of(new ServiceConfigurationError("Provider x.Native could not be instantiated"),
                fake("native-ok", true)));
        Iterator<Blake3Engine> it = new Iterator<>() {
            int i;
            public boolean hasNext() { return i < items.size(); }
            public Blake3Engine next() {
                if (i >= items.size()) throw new NoSuchElementException();
                Object o = items.get(i++);
                if (o instanceof Error e) throw e;
                return (Blake3Engine) o;
            }
        };
        assertEquals("native-ok", Blake3.select(it).engine().name());
        // an iterator that fails forever still ends in the fallback
        Iterator<Blake3Engine> broken = new Iterator<>() {
            public boolean hasNext() { return true; }
            public Blake3Engine next() { throw new ServiceConfigurationError("broken"); }
        };
        assertInstanceOf(JavaBlake3.class, Blake3.select(broken).engine());
    }

    @Test
    void aProviderThatCouldNotBeMadeForWantOfHeapIsNotAFallback() {
        OutOfMemoryError full = new OutOfMemoryError("Java heap space");
        Iterator<Blake3Engine> it = new Iterator<>() {
            public boolean hasNext() { return true; }
            public Blake3Engine next() { throw new ServiceConfigurationError("Provider x.Native could not be instantiated", full); }
        };
        assertSame(full, assertThrows(OutOfMemoryError.class, () -> Blake3.select(it)));
    }
}
