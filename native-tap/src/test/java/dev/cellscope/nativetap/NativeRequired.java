package dev.cellscope.nativetap;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Gate for tests of the native engine. When the build did not produce libblake3.so (no
 * sources or gcc on this machine) they skip, saying why; when it did, the library must load,
 * so a broken library fails the tests instead of skipping them.
 *
 * <p>Also a jqwik hook, because jqwik does not treat JUnit assumptions as a skip.
 */
final class NativeRequired implements SkipExecutionHook {
    private static volatile boolean told;

    /** True when the build put the library on the class path. */
    static boolean built() {
        return NativeBlake3.class.getResource("/" + Blake3Library.RESOURCE_DIR + "libblake3.so") != null;
    }

    /** Why the native tests skip, or null when they run. */
    static String skipReason() {
        if (built()) return null;
        String why = "native BLAKE3 tests skipped: " + NativeBlake3.unavailableReason();
        if (!told) {
            told = true;
            System.err.println(why);
        }
        return why;
    }

    /** The process-wide engine; skips the JUnit test (with the reason) when it was not built. */
    static NativeBlake3 engine() {
        String skip = skipReason();
        Assumptions.assumeTrue(skip == null, skip);
        assertNull(NativeBlake3.unavailableReason(), "libblake3.so was built but did not load");
        return new NativeBlake3();
    }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String skip = skipReason();
        return skip == null ? SkipResult.doNotSkip() : SkipResult.skip(skip);
    }
}
