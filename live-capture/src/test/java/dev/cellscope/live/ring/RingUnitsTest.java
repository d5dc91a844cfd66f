package dev.cellscope.live.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RingUnitsTest {

    @Test
    void sizesInDecimalAndBinaryUnits() {
        assertEquals(65536, RingUnits.bytes("65536"));
        assertEquals(100_000_000, RingUnits.bytes("100MB"));
        assertEquals(100_000_000, RingUnits.bytes("100 M"));
        assertEquals(2_000, RingUnits.bytes("2kB"));
        assertEquals(512 * 1024, RingUnits.bytes("512KiB"));
        assertEquals(3L << 30, RingUnits.bytes("3GiB"));
        assertEquals(1_000_000_000, RingUnits.bytes("1g"));
    }

    @Test
    void durationsDefaultToSecondsLikeDumpcap() {
        assertEquals(Duration.ofSeconds(90), RingUnits.duration("90"));
        assertEquals(Duration.ofSeconds(10), RingUnits.duration("10s"));
        assertEquals(Duration.ofMillis(500), RingUnits.duration("500ms"));
        assertEquals(Duration.ofMinutes(5), RingUnits.duration("5m"));
        assertEquals(Duration.ofHours(1), RingUnits.duration("1h"));
        assertEquals(Duration.ofDays(2), RingUnits.duration("2d"));
    }

    @Test
    void badValuesSayWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingUnits.bytes("100XB"));
        assertTrue(e.getMessage().contains("unknown unit 'XB'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingUnits.bytes("-1"));
        assertThrows(IllegalArgumentException.class, () -> RingUnits.bytes("1.5MB"));
        assertThrows(IllegalArgumentException.class, () -> RingUnits.duration("10 fortnights"));
        assertThrows(IllegalArgumentException.class, () -> RingUnits.duration(""));
        assertThrows(ArithmeticException.class, () -> RingUnits.bytes("999999999999GiB"));
    }
}
