package dev.cellscope.crypto;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc64GoIsoProperties {

    @Property
    void incrementalEqualsOneShot(@ForAll @Size(max = 600) byte[] data,
                                  @ForAll @IntRange(min = 0, max = 600) int cut1,
                                  @ForAll @IntRange(min = 0, max = 600) int cut2) {
        int a = Math.min(Math.min(cut1, cut2), data.length);
        int b = Math.min(Math.max(cut1, cut2), data.length);
        long oneShot = Crc64GoIso.compute(data);
        long crc = Crc64GoIso.update(Crc64GoIso.INIT, data, 0, a);
        crc = Crc64GoIso.update(crc, MemorySegment.ofArray(data), a, b - a); // mix the two entry points
        crc = Crc64GoIso.update(crc, data, b, data.length - b);
        assertEquals(oneShot, Crc64GoIso.finish(crc));
    }

    @Property
    void updateZerosEqualsZeroBytes(@ForAll long register, @ForAll @IntRange(min = 0, max = 5000) int n) {
        assertEquals(Crc64GoIso.update(register, new byte[n], 0, n), Crc64GoIso.updateZeros(register, n));
    }
}
