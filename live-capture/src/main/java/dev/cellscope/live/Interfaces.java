package dev.cellscope.live;

import dev.cellscope.session.SourceException;

import java.util.List;

/** The interfaces a live capture can open ({@code read -D}), as the chosen backend sees them. */
public final class Interfaces {
    private Interfaces() {}

    /** Through the default backend. */
    public static List<CaptureInterface> list() throws SourceException {
        return list(null);
    }

    /** Through the backend called {@code backend} (null: the default). */
    public static List<CaptureInterface> list(String backend) throws SourceException {
        return Backends.get(backend).interfaces();
    }
}
