package dev.cellscope.live.ring;

import dev.cellscope.io.SectionInfo;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The writing side of {@link RingKillTest}, run in its own JVM to be killed with SIGKILL: writes
 * numbered frames into a ring as fast as a modest capture (about 10 000 a second) and prints how
 * many it has handed to the ring every 50 ms.
 */
public final class RingKillChild {

    private RingKillChild() {}

    public static void main(String[] args) throws Exception {
        RingConfig config = RingConfig.of(Path.of(args[0]), "kill").withFilePackets(3000)
                .withFlush(100, Duration.ofMillis(200), false);
        RingWriter ring = RingWriter.open(config, SectionInfo.thisHost(), RingCheck.TWO_PORTS,
                id -> new CaptureCounters(5, 0, 0, -1));
        long seq = 0;
        long lastReport = System.nanoTime();
        while (true) {
            ring.write((int) (seq % 2), System.currentTimeMillis() * 1_000_000L, RingCheck.FRAME, RingCheck.frame(seq));
            seq++;
            if (seq % 10 == 0) {
                Thread.sleep(1);
            }
            if (System.nanoTime() - lastReport > 50_000_000L) {
                System.out.println("written " + seq);
                System.out.flush();
                lastReport = System.nanoTime();
            }
        }
    }
}
