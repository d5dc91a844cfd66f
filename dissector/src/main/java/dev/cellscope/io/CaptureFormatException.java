package dev.cellscope.io;

import java.io.IOException;

/** The file is not a capture cellscope can read (wrong magic, unsupported version, empty). */
public class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }
}
