package dev.cellscope.io;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Test helper: reads a whole capture into heap copies that outlive the reader. */
final class Captures {

    private Captures() {}

    /** A packet with its bytes copied out of the mapping; equal when all fields are equal. */
    record Copy(long number, long timestampNanos, int interfaceId, int linkType, int originalLength, byte[] data,
                String comment) {
        static Copy of(Packet p) {
            return new Copy(p.number(), p.timestampNanos(), p.interfaceId(), p.linkType(), p.originalLength(),
                    p.data().toArray(ValueLayout.JAVA_BYTE), p.comment());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Copy c && number == c.number && timestampNanos == c.timestampNanos
                    && interfaceId == c.interfaceId && linkType == c.linkType && originalLength == c.originalLength
                    && Arrays.equals(data, c.data) && java.util.Objects.equals(comment, c.comment);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(number) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Copy[#" + number + " ts=" + timestampNanos + " if=" + interfaceId + " lt=" + linkType + " orig="
                    + originalLength + " cap=" + data.length + " comment=" + comment + "]";
        }
    }

    record Result(CaptureReader.Format format, List<Copy> packets, Optional<CaptureError> error,
                  List<InterfaceInfo> interfaces) {}

    static Result read(Path file) throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            List<Copy> packets = new ArrayList<>();
            for (Packet p; (p = reader.next()) != null; ) {
                packets.add(Copy.of(p));
            }
            if (reader.next() != null) {
                throw new AssertionError("next() returned a packet after returning null");
            }
            return new Result(reader.format(), packets, reader.error(), List.copyOf(reader.interfaces()));
        }
    }

    static Result read(Path dir, String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return read(file);
    }
}
