package dev.cellscope.probe;

import org.junit.jupiter.api.Test;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The system's reason in an output error, never the path again (the message names the path already). */
class ProbeExceptionTest {
    @Test
    void theReasonIsNotThePath() {
        assertEquals("No such file or directory", ProbeException.reason(new NoSuchFileException("/gone/f.json")));
        assertEquals("Permission denied", ProbeException.reason(new AccessDeniedException("/root/f.json")));
        assertEquals("No space left on device", ProbeException.reason(new FileSystemException("/full/f.json", null, "No space left on device")));
    }
}
