package dev.cellscope.expert;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one expert registry: every kind of finding cellscope reports, by id. A kind is
 * registered by declaring a {@code public static final ExpertInfo} in one of the holder
 * classes listed here; nothing else is needed.
 */
public final class ExpertRegistry {
    private ExpertRegistry() {}

    private static final List<Class<?>> HOLDERS = List.of(
            FrameExperts.class, LinkExperts.class, UtcpExperts.class, TetherExperts.class, SbiExperts.class);

    private static final List<ExpertInfo> ALL;
    private static final Map<String, ExpertInfo> BY_ID;

    static {
        List<ExpertInfo> all = new ArrayList<>();
        Map<String, ExpertInfo> byId = new LinkedHashMap<>();
        for (Class<?> holder : HOLDERS) {
            for (Field f : holder.getFields()) {
                if (f.getType() != ExpertInfo.class || !Modifier.isStatic(f.getModifiers())) continue;
                try {
                    ExpertInfo info = (ExpertInfo) f.get(null);
                    all.add(info);
                    byId.putIfAbsent(info.id(), info);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        // Kept as declared (duplicates included) so the registry test can name a duplicate id.
        ALL = List.copyOf(all);
        BY_ID = Collections.unmodifiableMap(byId);
    }

    /** Every kind, in declaration order (area by area). */
    public static List<ExpertInfo> all() {
        return ALL;
    }

    /** The kind with that id, or null. */
    public static ExpertInfo byId(String id) {
        return BY_ID.get(id);
    }

    /** The registry as documentation: the Markdown table in docs/EXPERTS.md. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# cellscope expert findings\n\n")
                .append("Generated from the expert registry by `./cellscope fields --experts`; do not edit by hand.\n")
                .append("Every finding has one of these kinds. Select them by kind with the field `expert.id`\n")
                .append("(`-Y 'expert.id == \"utcp.gap\"'`, `-T fields -e expert.id`); severities are ordered\n")
                .append("chat < note < warn < error (`expert.severity >= warn`).\n");
        String protocol = null;
        for (ExpertInfo e : ALL) {
            if (!e.protocol().equals(protocol)) {
                protocol = e.protocol();
                b.append("\n## ").append(protocol).append("\n\n| id | severity | group | summary |\n|---|---|---|---|\n");
            }
            b.append("| `").append(e.id()).append("` | ").append(e.severity().label()).append(" | ")
                    .append(e.group().label()).append(" | ").append(e.summary().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
