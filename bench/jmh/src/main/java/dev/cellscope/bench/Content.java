package dev.cellscope.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes MiB mebibytes of the text-like content {@link Kernels} measures (64 KiB blocks, each from its own
 * seed), so that bench/kernels.sh can run the peers (b3sum, the zstd CLI) on the same kind of bytes.
 * Usage: {@code java -cp benchmarks.jar dev.cellscope.bench.Content FILE MiB}.
 */
public final class Content {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int blocks = Integer.parseInt(args[1]) * 16;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < blocks; i++) out.write(Kernels.textLike(Kernels.BLOCK, 7 + i));
        }
    }
}
