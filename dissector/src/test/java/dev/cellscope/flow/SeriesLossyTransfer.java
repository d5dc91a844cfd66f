package dev.cellscope.flow;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test helper: drives the analysis tests' lossy transfer ({@code dev.cellscope.analysis.LossyTransfer},
 * package-private there) through reflection, so the time series are checked against the same
 * ground truth without copying the simulation.
 */
final class SeriesLossyTransfer {
    /** A frame the tap recorded, with what the simulation knows: kind is ORIGINAL, DUPLICATE, RETRANSMISSION, NACK or SYN. */
    record Frame(long number, long timeNanos, byte[] bytes, String kind, long seq) {
        boolean data() {
            return kind.equals("ORIGINAL") || kind.equals("DUPLICATE") || kind.equals("RETRANSMISSION");
        }

        /** UTCP payload_len (Ethernet 14 + UTCP offset 38, big-endian). */
        int payloadLength() {
            return ((bytes[52] & 0xFF) << 8) | (bytes[53] & 0xFF);
        }
    }

    private SeriesLossyTransfer() {}

    static List<Frame> run(long seed, double loss, double reorder, double duplicate, int messages, int mss, int window)
            throws ReflectiveOperationException {
        Class<?> wire = Class.forName("dev.cellscope.analysis.LossyTransfer");
        Constructor<?> ctor = wire.getDeclaredConstructor(long.class, double.class, double.class, double.class, double.class);
        ctor.setAccessible(true);
        Object w = ctor.newInstance(seed, loss, reorder, duplicate, 0.0);
        Method random = wire.getDeclaredMethod("randomMessages", Random.class, int.class);
        random.setAccessible(true);
        Object payloads = random.invoke(null, new Random(seed), messages);
        Method run = wire.getDeclaredMethod("run", List.class, int.class, int.class);
        run.setAccessible(true);
        run.invoke(w, payloads, mss, window);
        var tapField = wire.getDeclaredField("tap");
        tapField.setAccessible(true);
        List<Frame> out = new ArrayList<>();
        for (Object t : (List<?>) tapField.get(w)) {
            Class<?> c = t.getClass();
            out.add(new Frame((long) call(c, t, "number"), (long) call(c, t, "timeNanos"), (byte[]) call(c, t, "bytes"),
                    call(c, t, "kind").toString(), (long) call(c, t, "seq")));
        }
        return out;
    }

    private static Object call(Class<?> c, Object o, String name) throws ReflectiveOperationException {
        Method m = c.getDeclaredMethod(name);
        m.setAccessible(true);
        return m.invoke(o);
    }
}
