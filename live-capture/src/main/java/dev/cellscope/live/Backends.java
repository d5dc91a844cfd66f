package dev.cellscope.live;

import dev.cellscope.session.SourceException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The live backends on the class path ({@link java.util.ServiceLoader} over {@link LiveBackend}),
 * chosen by name as {@code --backend NAME} does. A new backend (AF_XDP, DPDK) registers itself in
 * {@code META-INF/services/dev.cellscope.live.LiveBackend}; callers stay as they are.
 */
public final class Backends {
    /**
     * The backend used without {@code --backend}: the AF_PACKET ring, which on the same traffic spent
     * less CPU per frame and dropped fewer frames than libpcap at the default buffer
     * (live-capture/README.md, "Choosing the default"; docs/DECISIONS.md). Where it cannot run (not
     * Linux), {@link #FALLBACK}.
     */
    public static final String DEFAULT = "afpacket";
    /** Without {@code --backend}, where {@link #DEFAULT} cannot run: libpcap runs nearly everywhere. */
    public static final String FALLBACK = "pcap";

    private static final List<LiveBackend> ALL = load();

    private Backends() {}

    private static List<LiveBackend> load() {
        List<LiveBackend> found = new ArrayList<>();
        for (LiveBackend b : ServiceLoader.load(LiveBackend.class, Backends.class.getClassLoader())) found.add(b);
        found.sort((a, b) -> a.name().equals(DEFAULT) ? -1 : b.name().equals(DEFAULT) ? 1 : a.name().compareTo(b.name()));
        return List.copyOf(found);
    }

    /** Every backend on the class path, the default first. */
    public static List<LiveBackend> all() {
        return ALL;
    }

    /** Their names, for messages and help. */
    public static List<String> names() {
        return ALL.stream().map(LiveBackend::name).toList();
    }

    /**
     * The backend called {@code name} (null: {@link #DEFAULT}, or {@link #FALLBACK} where the default
     * cannot run) if it exists and can run here; else a one-line reason (unknown name with the known
     * ones, or why it cannot run).
     */
    public static LiveBackend get(String name) throws SourceException {
        if (name == null) {
            for (LiveBackend b : ALL) {
                if (b.name().equals(DEFAULT) && b.available().ok()) return b;
            }
            return get(FALLBACK);
        }
        String wanted = name;
        for (LiveBackend b : ALL) {
            if (b.name().equals(wanted)) {
                LiveBackend.Availability a = b.available();
                if (!a.ok()) throw new SourceException("backend " + wanted + " cannot run here: " + a.reason());
                return b;
            }
        }
        throw new SourceException("unknown capture backend '" + wanted + "' (known: " + String.join(", ", names()) + ")");
    }
}
