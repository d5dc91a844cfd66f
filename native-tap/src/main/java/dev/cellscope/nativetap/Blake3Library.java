package dev.cellscope.nativetap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * The reference C BLAKE3 library bound through FFM: the three functions the engine calls and
 * the size of {@code blake3_hasher} it must allocate. A record, so the JIT trusts its final
 * fields and can inline the method handles when the instance is a constant.
 *
 * <p>The library is the {@code libblake3.so} that {@code build-blake3.sh} put on the class
 * path at build time, or the file named by the system property {@value #LIBRARY_PROPERTY}.
 */
record Blake3Library(MethodHandle init, MethodHandle update, MethodHandle finalizeHash,
                     long hasherSize, String version, String origin) {

    /** System property: path of a libblake3 to load instead of the bundled one. */
    static final String LIBRARY_PROPERTY = "cellscope.blake3.library";
    static final String RESOURCE_DIR = "native/linux-x86_64/";
    /**
     * sizeof(blake3_hasher) in BLAKE3 1.x, for a library given by path without the
     * properties file the build writes; the load-time known-answer test guards it.
     */
    static final long DEFAULT_HASHER_SIZE = 1912;

    /** A loaded library, or why there is none (exactly one is non-null). */
    record Load(Blake3Library library, String failure) {
        static Load failed(String why) {
            return new Load(null, why);
        }
    }

    /** Loads the library named by {@code override} (a path), or the bundled one when null. */
    static Load load(String override) {
        try {
            Load l = override != null && !override.isBlank() ? loadFile(override) : loadBundled();
            if (l.library() == null) return l;
            String bad = l.library().selfTest();
            return bad == null ? l : Load.failed(bad);
        } catch (RuntimeException | LinkageError | IOException e) {
            // dlopen errors arrive as IllegalArgumentException; keep their message for the log
            return Load.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Load loadFile(String override) throws IOException {
        Path lib = Path.of(override);
        if (!Files.isRegularFile(lib)) return Load.failed(LIBRARY_PROPERTY + "=" + override + ": no such file");
        // a properties file beside it, as the build writes, gives the hasher size
        Path props = lib.resolveSibling(lib.getFileName().toString().replaceFirst("\\.so$", "") + ".properties");
        Properties p = new Properties();
        if (Files.isRegularFile(props)) {
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            }
        }
        return bind(lib, p, lib.toString());
    }

    /** The library on this class path, which the build put there. */
    private static Load loadBundled() throws IOException {
        return loadBundled(name -> Blake3Library.class.getResource("/" + name),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * The library among {@code resources} (class-path names, e.g. from a jar), copied under
     * {@code tmp} when it is not a plain file; package-private so a test can load it from a
     * jar the way the shaded CLI does.
     */
    static Load loadBundled(Function<String, URL> resources, Path tmp) throws IOException {
        String os = System.getProperty("os.name", "?"), arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Load.failed("no bundled libblake3 for " + os + "/" + arch + ", only Linux x86-64");
        }
        URL url = resources.apply(RESOURCE_DIR + "libblake3.so");
        if (url == null) return Load.failed("libblake3.so was not built into native-tap: " + notBuiltReason(resources));
        URL propsUrl = resources.apply(RESOURCE_DIR + "libblake3.properties");
        if (propsUrl == null) return Load.failed("libblake3.properties is missing beside the bundled libblake3.so");
        Properties p = new Properties();
        try (InputStream in = propsUrl.openStream()) {
            p.load(in);
        }
        if (url.getProtocol().equals("file")) {
            // running from target/classes: load in place
            try {
                return bind(Path.of(url.toURI()), p, url.toString());
            } catch (URISyntaxException e) {
                return Load.failed("bad library URL " + url + ": " + e.getMessage());
            }
        }
        // inside a jar: dlopen needs a file, so copy it to a private directory, load it, and
        // delete it at once (Linux keeps the mapping), leaving nothing behind even on a crash
        Path dir = Files.createTempDirectory(tmp, "cellscope-blake3-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path lib = dir.resolve("libblake3.so");
        try (InputStream in = url.openStream()) {
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            return bind(lib, p, url.toString());
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(dir);
        }
    }

    /** The reason the build left in NOT-BUILT.txt, or a guess when there is none. */
    private static String notBuiltReason(Function<String, URL> resources) {
        URL why = resources.apply(RESOURCE_DIR + "NOT-BUILT.txt");
        if (why != null) {
            try (InputStream in = why.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException ignored) {
                // fall through to the generic reason
            }
        }
        return "build-blake3.sh did not run (not a Unix build host?)";
    }

    // restricted calls are this module's purpose; the launcher grants --enable-native-access
    @SuppressWarnings("restricted")
    private static Load bind(Path file, Properties p, String origin) {
        SymbolLookup syms = SymbolLookup.libraryLookup(file, Arena.global());
        Linker linker = Linker.nativeLinker();
        MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
        // critical: no thread-state transition (the calls are short) and heap segments
        // (byte[]) are passed without copying
        Linker.Option critical = Linker.Option.critical(true);
        String[] names = {"blake3_hasher_init", "blake3_hasher_update", "blake3_hasher_finalize", "blake3_version"};
        MemorySegment[] addr = new MemorySegment[names.length];
        for (int i = 0; i < names.length; i++) {
            addr[i] = syms.find(names[i]).orElse(null);
            if (addr[i] == null) return Load.failed(file + " has no symbol " + names[i]);
        }
        MethodHandle init = linker.downcallHandle(addr[0], FunctionDescriptor.ofVoid(ValueLayout.ADDRESS), critical);
        MethodHandle update = linker.downcallHandle(addr[1],
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, sizeT), critical);
        MethodHandle fin = linker.downcallHandle(addr[2],
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, sizeT), critical);
        MethodHandle versionFn = linker.downcallHandle(addr[3], FunctionDescriptor.of(ValueLayout.ADDRESS));

        String version;
        try {
            version = ((MemorySegment) versionFn.invokeExact()).reinterpret(64).getString(0);
        } catch (Throwable t) {
            return Load.failed("blake3_version() failed: " + t);
        }
        String built = p.getProperty("version");
        if (built != null && !built.equals(version)) {
            // the hasher size was measured against another header: do not trust it
            return Load.failed(file + " reports BLAKE3 " + version + " but was described as " + built);
        }
        long size = Long.parseLong(p.getProperty("hasher.size", Long.toString(DEFAULT_HASHER_SIZE)).strip());
        if (size < 64 || size > 1 << 20) return Load.failed("implausible hasher.size=" + size);
        return new Load(new Blake3Library(init, update, fin, size, version, origin), null);
    }

    /** Known answers at load time, so a wrong hasher size or broken build never serves hashes. */
    String selfTest() {
        NativeBlake3 e = new NativeBlake3(new Load(this, null));
        byte[] in = new byte[1025];
        for (int i = 0; i < in.length; i++) in[i] = (byte) (i % 251);
        String empty = HexFormat.of().formatHex(e.hash(new byte[0]));
        String vector = HexFormat.of().formatHex(e.hash(in));
        if (!empty.equals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
                || !vector.equals("d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444")) {
            return "libblake3 " + version + " from " + origin + " failed its known-answer test (hasher size "
                    + hasherSize + "?): got " + empty + " for the empty input";
        }
        return null;
    }
}
