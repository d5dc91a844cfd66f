package dev.cellscope.field;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one field registry: every field cellscope knows, by dotted name. A field is
 * registered by declaring a {@code public static final FieldDef} in one of the
 * holder classes listed here; nothing else is needed.
 */
public final class FieldRegistry {
    private FieldRegistry() {}

    private static final List<Class<?>> HOLDERS = List.of(
            FrameFields.class, LinkFields.class, UtcpFields.class, TetherFields.class, SbiFields.class, ExpertFields.class);

    private static final Map<String, FieldDef> BY_NAME;
    private static final FieldDef[] BY_ID;
    private static final java.util.Set<FieldDef> CONVERSATION;

    static {
        Map<String, FieldDef> byName = new LinkedHashMap<>();
        List<FieldDef> all = new ArrayList<>();
        for (Class<?> holder : HOLDERS) {
            for (Field f : holder.getFields()) {
                if (f.getType() != FieldDef.class || !Modifier.isStatic(f.getModifiers())) continue;
                try {
                    FieldDef def = (FieldDef) f.get(null);
                    if (byName.putIfAbsent(def.name(), def) != null) {
                        throw new IllegalStateException("field registered twice: " + def.name());
                    }
                    all.add(def);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        CONVERSATION = java.util.Set.copyOf(java.util.stream.Stream.of(UtcpFields.CONVERSATION, TetherFields.CONVERSATION,
                SbiFields.CONVERSATION).flatMap(List::stream).toList());
        BY_ID = new FieldDef[FieldDef.idLimit()];
        for (FieldDef def : all) BY_ID[def.id()] = def;
    }

    /** Every field, in declaration order (protocol by protocol). */
    public static List<FieldDef> all() {
        return List.copyOf(BY_NAME.values());
    }

    /**
     * True for fields that need state across frames (conversation analysis, reassembly, the credit
     * ledger): a per-packet decode such as {@code read --per-packet} or the Wireshark plugin never sets them.
     * Each holder lists its own in {@code CONVERSATION}.
     */
    public static boolean conversationOnly(FieldDef f) {
        return CONVERSATION.contains(f);
    }

    /** The field of that name, or null. */
    public static FieldDef byName(String name) {
        return BY_NAME.get(name);
    }

    /** The field with that id, or null. */
    public static FieldDef byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** One more than the largest id (sizes arrays indexed by field id). */
    public static int size() {
        return BY_ID.length;
    }

    /** An array indexed by field id, true for {@code fields}: how a sink answers {@code wants} with one load. */
    public static boolean[] mask(FieldDef... fields) {
        boolean[] m = new boolean[size()];
        for (FieldDef f : fields) m[f.id()] = true;
        return m;
    }

    /** The registered name closest to {@code name} (for "did you mean"), or null when none is close. */
    public static String suggest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : BY_NAME.keySet()) {
            int dist = distance(name, candidate);
            if (dist < bestDistance) {
                bestDistance = dist;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
