package dev.cellscope.probe;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * How the probe makes a file that must appear whole (a flow record file): the face supplies the
 * same safe-output rules its other commands use (the CLI: written under a hidden temporary name,
 * renamed over the target by {@link Output#commit()}, never the capture being read).
 */
@FunctionalInterface
public interface OutputFiles {

    Output create(Path target);

    /** One file being written. */
    interface Output extends AutoCloseable {
        /** Opens the temporary file for writing. */
        OutputStream open();

        /** Puts the finished file in place, whole. */
        void commit();

        /** Without a commit: removes the temporary file. */
        @Override
        void close();
    }
}
