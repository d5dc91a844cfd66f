package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FILE that put and tether-send send, when it is not a file: one line saying what it is (user review). */
@Timeout(120)
class InputFileTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryIsCalledADirectoryAndAMissingFileMissing() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder")), missing = dir.resolve("missing.bin");
        String key = dir.resolve("k.key").toString();
        for (Path file : List.of(folder, missing)) {
            String want = "cellscope: " + file + (file == folder ? ": is a directory, not a file\n" : ": no such file\n");
            try (Child put = Child.start(dir, "put", List.of(), "endpoint", "put", file.toString(), "--key", key,
                    "--store", dir.resolve("store").toString(), "--to", "0123456789abcdef0123456789abcdef@127.0.0.1:9")) {
                assertEquals(1, put.finish(30), put.tail());
                assertEquals(want, put.err(), put.tail());
            }
            try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", file.toString(), "--lamp", "--key", key,
                    "--to", "ac:1d:00:00:00:01@127.0.0.1:9")) {
                assertEquals(1, send.finish(30), send.tail());
                assertEquals(want, send.err(), send.tail());
            }
        }
    }
}
