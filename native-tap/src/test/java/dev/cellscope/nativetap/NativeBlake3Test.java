package dev.cellscope.nativetap;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.JavaBlake3;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeBlake3Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final Path B3SUM = Path.of("/usr/bin/b3sum");

    /**
     * The official BLAKE3 test-vector inputs (byte i = i % 251) and their hashes, copied from
     * dissector/src/test/java/dev/cellscope/crypto/Blake3Test.java (produced there with b3sum,
     * the official Rust implementation; they match the "hash" entries of test_vectors.json).
     */
    static final Object[][] VECTORS = {
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

    private static Path builtLibrary() throws Exception {
        return Path.of(NativeBlake3.class.getResource("/" + Blake3Library.RESOURCE_DIR + "libblake3.so").toURI());
    }

    @Test
    void emptyInput() {
        NativeBlake3 e = NativeRequired.engine();
        assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", HEX.formatHex(e.hash(new byte[0])));
    }

    @Test
    void officialVectorsThroughEverySegmentKind() {
        NativeBlake3 e = NativeRequired.engine();
        try (Arena arena = Arena.ofConfined()) {
            for (Object[] v : VECTORS) {
                int len = (Integer) v[0];
                byte[] want = HEX.parseHex((String) v[1]);
                byte[] in = officialInput(len);
                assertArrayEquals(want, e.hash(in), "byte[] len=" + len);

                byte[] padded = new byte[len + 13];
                System.arraycopy(in, 0, padded, 7, len);
                padded[3] = 99;
                padded[len + 8] = 99;
                byte[] out = new byte[33]; // longer output arrays are allowed; byte 32 stays untouched
                out[32] = 42;
                e.hash(MemorySegment.ofArray(padded).asSlice(5), 2, len, out);
                assertArrayEquals(want, Arrays.copyOf(out, 32), "heap slice len=" + len);
                assertEquals(42, out[32]);

                MemorySegment nat = arena.allocate(len + 3);
                MemorySegment.copy(in, 0, nat, ValueLayout.JAVA_BYTE, 3, len);
                assertArrayEquals(want, hash(e, nat, 3, len), "native len=" + len);
                assertArrayEquals(want, hash(e, nat.asReadOnly(), 3, len), "read-only native len=" + len);
                assertArrayEquals(want, hash(e, MemorySegment.ofArray(padded).asReadOnly(), 7, len),
                        "read-only heap len=" + len);
            }
        }
    }

    static byte[] hash(NativeBlake3 e, MemorySegment s, long off, long len) {
        byte[] out = new byte[32];
        e.hash(s, off, len, out);
        return out;
    }

    @Test
    void inputsLongerThanOneUpdateCallAgreeWithPureJavaAndB3sum() throws Exception {
        NativeBlake3 e = NativeRequired.engine();
        byte[] in = new byte[(int) (NativeBlake3.MAX_UPDATE * 7 / 2) + 17];
        new SplittableRandom(7).nextBytes(in);
        byte[] want = new JavaBlake3().hash(in);
        assertArrayEquals(want, e.hash(in));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(in.length);
            nat.copyFrom(MemorySegment.ofArray(in));
            assertArrayEquals(want, hash(e, nat, 0, in.length));
        }
        if (Files.isExecutable(B3SUM)) {
            Process p = new ProcessBuilder(B3SUM.toString(), "--no-names").start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(in);
            }
            String got = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertEquals(0, p.waitFor());
            assertEquals(got, HEX.formatHex(want));
        }
    }

    @Test
    void facadeSelectsTheNativeEngine() {
        NativeRequired.engine();
        assertInstanceOf(NativeBlake3.class, Blake3.engine(), Blake3.engine().name());
        assertTrue(Blake3.engine().name().startsWith("native BLAKE3 1."), Blake3.engine().name());
        assertEquals((String) VECTORS[4][1], HEX.formatHex(Blake3.hash(officialInput(1025))));
    }

    @Test
    void hasherSizeComesFromTheHeaderTheLibraryWasBuiltWith() throws Exception {
        NativeRequired.engine();
        Blake3Library lib = Blake3Library.load(builtLibrary().toString()).library();
        assertNotNull(lib);
        // blake3.h 1.x: key 32 + chunk state 112 (107 padded) + cv_stack_len 1 + cv_stack 55*32,
        // padded to the 8-byte alignment of the chunk counter
        if (lib.version().startsWith("1.")) assertEquals(1912, lib.hasherSize());
    }

    @Test
    void aMissingLibraryIsUnavailableAndNothingThrows() {
        Blake3Library.Load load = Blake3Library.load("/nonexistent/libblake3.so");
        assertNull(load.library());
        assertEquals("cellscope.blake3.library=/nonexistent/libblake3.so: no such file", load.failure());
        NativeBlake3 e = new NativeBlake3(load);
        assertFalse(e.available());
        assertTrue(e.name().contains(load.failure()), e.name());
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.hash(new byte[1]));
        assertTrue(x.getMessage().contains("no such file"), x.getMessage());
    }

    @Test
    void aLibraryWithoutTheBlake3SymbolsIsUnavailableAndNothingThrows() {
        Path other = Path.of(System.getProperty("java.home"), "lib", "libzip.so");
        assumeTrue(Files.isRegularFile(other), "no " + other + " to stand in for a wrong library");
        Blake3Library.Load load = Blake3Library.load(other.toString());
        assertNull(load.library());
        assertEquals(other + " has no symbol blake3_hasher_init", load.failure());
        assertFalse(new NativeBlake3(load).available());
    }

    @Test
    void withTheLibraryPropertyPointingNowhereTheFacadeLogsWhyAndUsesPureJava() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dcellscope.blake3.library=/nonexistent", "-cp", System.getProperty("java.class.path"),
                FacadeProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(JavaBlake3.class.getName()), out);
        assertTrue(out.contains("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"), out);
        assertTrue(out.contains("BLAKE3: native library not found (native BLAKE3 [cellscope.blake3.library="
                + "/nonexistent: no such file] reports unavailable), using pure-Java digest"), out);
    }

    @Test
    void loadsFromAJarThroughAPrivateTempCopyAndLeavesNothingBehind() throws Exception {
        NativeRequired.engine();
        Path dir = Files.createTempDirectory("native-tap-test");
        Path jar = dir.resolve("lib.jar");
        try {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                for (String name : List.of("libblake3.so", "libblake3.properties")) {
                    out.putNextEntry(new JarEntry(Blake3Library.RESOURCE_DIR + name));
                    out.write(Files.readAllBytes(builtLibrary().resolveSibling(name)));
                    out.closeEntry();
                }
            }
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
                Blake3Library.Load load = Blake3Library.loadBundled(loader::getResource, tmp);
                assertNull(load.failure());
                assertTrue(load.library().origin().startsWith("jar:"), load.library().origin());
                assertNull(load.library().selfTest());
            }
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the extracted copy must be deleted");
            }
            Files.delete(tmp);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void twoThreadsHashingAtOnceGetTheRightAnswers() throws Exception {
        NativeBlake3 e = NativeRequired.engine();
        JavaBlake3 reference = new JavaBlake3();
        SplittableRandom rnd = new SplittableRandom(11);
        List<byte[]> inputs = new ArrayList<>();
        List<byte[]> wants = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] in = new byte[rnd.nextInt(i % 10 == 0 ? 300_000 : 5000)];
            rnd.nextBytes(in);
            inputs.add(in);
            wants.add(reference.hash(in));
        }
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int round = 0; round < 5; round++) {
                        // the two threads walk the inputs in opposite orders so their sizes differ
                        for (int k = 0; k < inputs.size(); k++) {
                            int i = first == 0 ? k : inputs.size() - 1 - k;
                            assertArrayEquals(wants.get(i), e.hash(inputs.get(i)), "input " + i);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) assertEquals(1000, f.get(120, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsShortOutputBadRangeAndClosedSegments() {
        NativeBlake3 e = NativeRequired.engine();
        MemorySegment s = MemorySegment.ofArray(new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> e.hash(s, 0, 10, new byte[31]));
        assertThrows(IndexOutOfBoundsException.class, () -> e.hash(s, 5, 6, new byte[32]));
        assertThrows(IndexOutOfBoundsException.class, () -> e.hash(s, -1, 2, new byte[32]));
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(100);
        }
        assertThrows(IllegalStateException.class, () -> e.hash(closed, 0, 100, new byte[32]));
    }
}
