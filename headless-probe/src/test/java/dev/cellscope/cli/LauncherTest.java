package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, item 15: ./cellscope's first build gets the native BLAKE3. The launcher installs what
 * the build needs from the list it shares with ./run-tests (scripts/env.sh), and rebuilds a jar
 * built without the native library once those packages are there.
 */
class LauncherTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Runs bash with scripts/env.sh sourced (it finds Java 25 and Maven, as the launcher does). */
    private static Cli.Result bash(String script) throws Exception {
        Cli.Result r = Cli.tool("bash", "-c", ". '" + ROOT.resolve("scripts/env.sh") + "' >/dev/null 2>&1 || exit 99\n" + script);
        Assumptions.assumeTrue(r != null, "no bash");
        Assumptions.assumeTrue(r.exit() != 99, "scripts/env.sh cannot run here: " + r.err());
        return r;
    }

    /** The Debian packages native-tap's build script asks for when it cannot build (its skip reasons). */
    private static Set<String> packagesTheNativeBuildNeeds() throws Exception {
        String script = Files.readString(ROOT.resolve("native-tap/src/main/native/build-blake3.sh"));
        Set<String> packages = new TreeSet<>();
        Matcher m = Pattern.compile("install the Debian package ([a-z0-9.+-]+)").matcher(script);
        while (m.find()) packages.add(m.group(1));
        assertEquals(Set.of("gcc", "librust-blake3-dev"), packages, "build-blake3.sh changed: check this test still reads it right");
        return packages;
    }

    @Test
    void theLauncherAndTheTestRunnerInstallWhatTheNativeBuildNeeds() throws Exception {
        // With every command and file reported missing, the shared list names the packages to install.
        Cli.Result r = bash("""
                command() { return 1; }
                compgen() { return 1; }
                cellscope_missing_build_packages""");
        assertEquals(0, r.exit(), r.err());
        Set<String> listed = new TreeSet<>(List.of(r.out().strip().split(" ")));
        assertTrue(listed.containsAll(packagesTheNativeBuildNeeds()), "scripts/env.sh lists " + listed);

        // Both entry points call the shared function before they build, and neither keeps a copy of the list.
        for (String entry : List.of("cellscope", "run-tests")) {
            String text = Files.readString(ROOT.resolve(entry));
            int install = Math.max(text.indexOf("cellscope_want_build_packages"), text.indexOf("cellscope_need_build_packages"));
            assertTrue(install > 0, entry + " does not install what the build needs");
            Matcher build = Pattern.compile("(?m)^[^#\\n]*\\bmvn ").matcher(text);
            assertTrue(build.find() && install < build.start(), entry + " installs after it builds");
            assertFalse(text.contains("librust-blake3-dev"), entry + " keeps its own copy of the package list");
        }
    }

    @Test
    void aBuildWithoutTheNativeLibraryIsRedoneOnceThePackagesAreThere(@TempDir Path out) throws Exception {
        Cli.Result missing = bash("cellscope_missing_build_packages");
        Assumptions.assumeTrue(missing.out().isBlank(), "this machine lacks " + missing.out());
        String dir = out.toString();
        List<Boolean> rebuild = new ArrayList<>();
        // What build-blake3.sh leaves when it could not build, and when it did build.
        for (String notBuilt : new String[]{
                "no BLAKE3 C sources in /usr/share/cargo/registry/blake3-*/c (install the Debian package librust-blake3-dev)",
                "gcc not found (install the Debian package gcc)",
                "only Linux x86-64 is supported, this is Darwin arm64",
                null}) {
            Files.deleteIfExists(out.resolve("NOT-BUILT.txt"));
            if (notBuilt != null) Files.writeString(out.resolve("NOT-BUILT.txt"), notBuilt + "\n");
            rebuild.add(bash("cellscope_native_rebuild_needed '" + dir + "'").exit() == 0);
        }
        // Missing packages now installed: rebuild. Another reason, or a library built: no endless rebuilds.
        assertEquals(List.of(true, true, false, false), rebuild);
        assertTrue(Files.readString(ROOT.resolve("cellscope")).contains("cellscope_native_rebuild_needed"),
                "the launcher does not ask whether the native library can now be built");
    }

    /**
     * Issue 17 item 3: single-pass read, stats and plot run with a capped heap (under 300 MB of anonymous memory
     * whatever the capture's size), two-pass runs and other commands without the cap; CELLSCOPE_HEAP lifts it.
     */
    @Test
    void theHeapIsCappedForSinglePassCaptureCommandsOnly() throws Exception {
        Cli.Result r = bash("""
                for args in 'read -r f.pcapng' 'read -r f.pcapng -2' 'stats -r f --flows - -2V' 'plot --kind io -r f2 -o x.png' \
                            'read -r f -c 2' 'endpoint serve' 'probe -i eth0' ''; do
                  cellscope_heap_options $args; echo "$args => ${cellscope_heap[*]}"
                done
                CELLSCOPE_HEAP=2g cellscope_heap_options read -r f; echo "lifted => ${cellscope_heap[*]}"
                """);
        assertEquals(0, r.exit(), r.err());
        // The kernel's THP mode decides the last option (theHeapIsInHugePagesWhereTheKernelOffersThem).
        String mode = Files.isReadable(THP_MODE) ? Files.readString(THP_MODE) : "";
        String thp = mode.contains("[always]") || mode.contains("[madvise]") ? " -XX:+UseTransparentHugePages" : "";
        assertEquals("""
                read -r f.pcapng => -Xmx192m -XX:MaxNewSize=96m%1$s
                read -r f.pcapng -2 => -XX:MaxNewSize=256m%1$s
                stats -r f --flows - -2V => -XX:MaxNewSize=256m%1$s
                plot --kind io -r f2 -o x.png => -Xmx192m -XX:MaxNewSize=96m%1$s
                read -r f -c 2 => -Xmx192m -XX:MaxNewSize=96m%1$s
                endpoint serve => -XX:MaxNewSize=256m%1$s
                probe -i eth0 => -XX:MaxNewSize=256m%1$s
                 => -XX:MaxNewSize=256m%1$s
                lifted => -Xmx2g -XX:MaxNewSize=96m%1$s
                """.formatted(thp), r.out());
        assertTrue(Files.readString(ROOT.resolve("cellscope")).contains("cellscope_heap_options \"$@\""),
                "the launcher does not take its heap options from cellscope_heap_options");
    }
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    /**
     * Issue 17: the heap is in transparent huge pages when the kernel's THP mode is always or madvise (the
     * bracketed word of the mode file); with never, or no such file, the option is left out, since the JVM
     * would warn that it cannot have them.
     */
    @Test
    void theHeapIsInHugePagesWhereTheKernelOffersThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("always"), "[always] madvise never\n");
        Files.writeString(dir.resolve("madvise"), "always [madvise] never\n");
        Files.writeString(dir.resolve("never"), "always madvise [never]\n");
        Files.writeString(dir.resolve("empty"), "");
        Cli.Result r = bash("""
                for f in always madvise never empty missing; do
                  cellscope_thp_option "%s/$f"; echo "$f => ${cellscope_thp[*]}."
                done
                """.formatted(dir));
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                always => -XX:+UseTransparentHugePages.
                madvise => -XX:+UseTransparentHugePages.
                never => .
                empty => .
                missing => .
                """, r.out());
        assertEquals("", r.err(), "a missing mode file is not an error");
    }

    /**
     * Issue 17 item 1: C2 costs a small capture more than it gains (0.15 s of compiler CPU for 53 frames), so the
     * launcher compiles with C1 alone when every -r file is a regular file under 64 MiB; a larger file, stdin, a
     * missing file or a command without -r keep tiered compilation.
     */
    @Test
    void onlyCommandsReadingSmallFilesRunWithC1Alone(@TempDir Path dir) throws Exception {
        Path small = Files.write(dir.resolve("small.pcapng"), new byte[1000]);
        Path big = dir.resolve("big.pcapng");
        try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) { f.setLength(64L << 20); } // sparse
        Cli.Result r = bash("""
                source <(sed -n '/^cellscope_small_input() {/,/^}/p' '%s')
                s='%s' b='%s'
                for args in "read -r $s" "read -r=$s -c 1" "stats -r$s" "read -r $b" "read -r $s -r $b" "read -r -" \
                            "read -r $s.missing" "read -r" "endpoint serve" "--version" ""; do
                  cellscope_small_input $args && echo C1 || echo tiered
                done
                """.formatted(ROOT.resolve("cellscope"), small, big));
        assertEquals(0, r.exit(), r.err());
        assertEquals("C1\nC1\nC1\ntiered\ntiered\ntiered\ntiered\ntiered\ntiered\ntiered\ntiered\n", r.out());
        assertTrue(Files.readString(ROOT.resolve("cellscope")).contains("cellscope_c1_only \"$@\" && java+=(-XX:TieredStopAtLevel=1)"),
                "the launcher does not choose C1 from cellscope_c1_only");
    }

    /**
     * Issue 12 item 8: the endpoint's UTCP-SBI commands run with C1 alone (a 100 MB transfer twice as fast on 2 cores,
     * 1 GB no slower), as do small reads; Tether's keep C2 (C1 made a lossy 1 GB transfer 60% slower);
     * {@code CELLSCOPE_JIT=tiered} keeps C2 for any command.
     */
    @Test
    void theEndpointRunsWithC1AloneUnlessTieredIsAskedFor(@TempDir Path dir) throws Exception {
        Path small = Files.write(dir.resolve("small.pcapng"), new byte[1000]);
        Cli.Result r = bash("""
                source <(sed -n '/^cellscope_small_input() {/,/^}/p; /^cellscope_c1_only() {/,/^}/p' '%s')
                s='%s'
                for args in "endpoint serve" "endpoint put f --to x" "endpoint tether-send f" "endpoint tether-recv -o f" \
                            "read -r $s" "probe -i lo" "replay -r $s -i lo" "--version"; do
                  cellscope_c1_only $args && echo C1 || echo tiered
                done
                CELLSCOPE_JIT=tiered
                for args in "endpoint serve" "read -r $s"; do cellscope_c1_only $args && echo C1 || echo tiered; done
                """.formatted(ROOT.resolve("cellscope"), small));
        assertEquals(0, r.exit(), r.err());
        assertEquals("C1\nC1\ntiered\ntiered\nC1\ntiered\nC1\ntiered\ntiered\ntiered\n", r.out());
    }

    /**
     * Issue 17 item 1: the launcher rebuilds the jar when what it is built from changed — a pom or a file under a
     * module's src/main — and not for tests, the GUI, the architecture tests or bench/jmh, which are not in it. The
     * check runs on every command, so it walks only those trees. Checked on a fake checkout, file by file.
     */
    @Test
    void onlyWhatTheJarIsBuiltFromMakesItStale(@TempDir Path tree) throws Exception {
        List<String> files = List.of("pom.xml", "protocol/pom.xml", "protocol/src/main/java/A.java",
                "protocol/src/main/resources/r.txt", "protocol/src/test/java/ATest.java", "native-tap/pom.xml", "native-tap/src/main/native/b.sh",
                "gui/pom.xml", "gui/src/main/java/G.java", "architecture/src/test/java/L.java", "bench/jmh/pom.xml",
                "bench/run", "docs/X.md");
        for (String f : files) {
            Files.createDirectories(tree.resolve(f).getParent());
            Files.writeString(tree.resolve(f), "x");
        }
        Path jar = Files.createDirectories(tree.resolve("headless-probe/target")).resolve("cellscope.jar");
        Files.writeString(jar, "jar");
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(jar);
        StringBuilder script = new StringBuilder("""
                source <(sed -n '/^stale() {/,/^}/p' '%s')
                here='%s' jar='%s'
                stale && echo 'fresh jar: stale' || echo 'fresh jar: fresh'
                """.formatted(ROOT.resolve("cellscope"), tree, jar));
        for (String f : files) {
            // one file at a time newer than the jar, then back to older
            script.append("touch -d '+1 min' '%1$s'; stale && echo '%2$s: stale' || echo '%2$s: fresh'; touch -d '-1 day' '%1$s'\n"
                    .formatted(tree.resolve(f), f));
        }
        for (String f : files) Files.setLastModifiedTime(tree.resolve(f), java.nio.file.attribute.FileTime.fromMillis(built.toMillis() - 86_400_000L));
        Cli.Result r = Cli.tool("bash", "-c", script.toString());
        Assumptions.assumeTrue(r != null, "no bash");
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                fresh jar: fresh
                pom.xml: stale
                protocol/pom.xml: stale
                protocol/src/main/java/A.java: stale
                protocol/src/main/resources/r.txt: stale
                protocol/src/test/java/ATest.java: fresh
                native-tap/pom.xml: stale
                native-tap/src/main/native/b.sh: stale
                gui/pom.xml: fresh
                gui/src/main/java/G.java: fresh
                architecture/src/test/java/L.java: fresh
                bench/jmh/pom.xml: fresh
                bench/run: fresh
                docs/X.md: fresh
                """, r.out());
    }

    /**
     * Two commands started together after a change (serve and put in two terminals) ran two Maven builds into one
     * target/ tree, and the second failed on a class file the first was writing ("class file truncated"). Now the
     * second waits for the first's build and then finds the jar fresh: one build. Checked with the launcher's own
     * build function on a fake checkout, with a Maven that takes a second and records when it ran.
     */
    @Test
    void twoCommandsStartedTogetherBuildOnce(@TempDir Path tree) throws Exception {
        Path src = tree.resolve("protocol/src/main/java/A.java");
        Files.createDirectories(src.getParent());
        Files.writeString(tree.resolve("protocol/pom.xml"), "x");
        Files.writeString(tree.resolve("pom.xml"), "x");
        Files.writeString(src, "x");
        Path jar = Files.createDirectories(tree.resolve("headless-probe/target")).resolve("cellscope.jar");
        Files.writeString(jar, "jar");
        String script = """
                source <(sed -n '/^stale() {/,/^}/p; /^cellscope_build() {/,/^}/p' '%s')
                here='%s' jar='%s' native=/nonexistent log='%s/mvn.log'
                cellscope_native_rebuild_needed() { return 1; }
                cellscope_want_build_packages() { :; }
                mvn() { echo "start $(date +%%s.%%N)" >>"$log"; sleep 1; touch "$jar"; echo "end $(date +%%s.%%N)" >>"$log"; }
                touch -d '-1 day' "$jar"; touch -d '-1 hour' '%s'
                stale && echo stale before
                cellscope_build 2>/dev/null & cellscope_build 2>/dev/null & wait
                stale || echo fresh after
                cat "$log"
                """.formatted(ROOT.resolve("cellscope"), tree, jar, tree, src);
        Cli.Result r = bash(script);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("stale before", "fresh after"), lines.subList(0, 2), r.out());
        assertEquals(2, lines.size() - 2, "one build (a start and an end line): " + r.out());
        assertTrue(lines.get(2).startsWith("start") && lines.get(3).startsWith("end"), r.out());
    }
}
