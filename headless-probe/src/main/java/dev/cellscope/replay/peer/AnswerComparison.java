package dev.cellscope.replay.peer;

import dev.cellscope.protocol.sbi.SbiOps;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Compares a live peer's messages with the captured peer's. An ACK or NACK is paired with the one
 * that answers the same request (its ref_seq: PROTOCOLS.md section 4, the msg_index of the message
 * answered, which the replay keeps): a peer may answer two requests that came back to back in
 * either order (corrupt-block's two BLOCK_PUTs were answered ACK, NACK in the capture and NACK, ACK
 * by a fresh serve), and by position that was two false differences. The other messages carry
 * nothing that names what they follow, so they are compared position by position among themselves:
 * the n-th of one with the n-th of the other. What is compared: op; ACK/NACK ref_seq and status or error code (not a NACK's
 * text, which is free-form); block hash; DAG_SYNC root and node list (nodes that one lists and the
 * other does not are named); HANDSHAKE capabilities and required features.
 */
public final class AnswerComparison {
    private AnswerComparison() {}

    public static List<Difference> compare(List<Answer> captured, List<Answer> live) {
        List<Difference> out = new ArrayList<>();
        List<Answer> restCaptured = new ArrayList<>(), restLive = new ArrayList<>(live);
        for (Answer c : captured) {
            Answer l = c.refSeq() < 0 ? null : restLive.stream().filter(a -> a.refSeq() == c.refSeq()).findFirst().orElse(null);
            if (l == null) {
                restCaptured.add(c);
                continue;
            }
            restLive.remove(l);
            String d = differs(c, l);
            if (!d.isEmpty()) out.add(new Difference(c.index(), c, l, d));
        }
        // what no request pairs, position by position among themselves, at the message's own msg_index
        for (Difference d : byPosition(restCaptured, restLive, AnswerComparison::differs, "message")) {
            Answer at = (Answer) (d.captured() != null ? d.captured() : d.live());
            out.add(new Difference(at.index(), d.captured(), d.live(), d.what()));
        }
        out.sort(java.util.Comparator.comparingInt(Difference::index));
        return out;
    }

    /**
     * A Tether receiver's answers to a sender: each kind (Hail, grants on the data flow, NACKs
     * singleton or bulk, confirmation) compared as its own sequence, the n-th grant with the n-th
     * grant, so a grant missing or added shows once and does not shift the NACKs. Compared: the
     * grant each carries, the slots a NACK names, the slot count a confirmation confirms.
     */
    public static List<Difference> compareTether(List<TetherAnswer> captured, List<TetherAnswer> live) {
        List<Difference> out = new ArrayList<>();
        for (TetherAnswer.Kind k : TetherAnswer.Kind.values()) {
            if (k.group() != k) continue;
            out.addAll(byPosition(ofKind(captured, k), ofKind(live, k), AnswerComparison::differs, k.word));
        }
        return out;
    }

    private static List<TetherAnswer> ofKind(List<TetherAnswer> all, TetherAnswer.Kind k) {
        List<TetherAnswer> out = new ArrayList<>();
        for (TetherAnswer a : all) if (a.kind().group() == k) out.add(a.at(out.size()));
        return out;
    }

    private static String differs(TetherAnswer c, TetherAnswer l) {
        List<String> parts = new ArrayList<>();
        if (c.kind() != l.kind()) parts.add(c.kind().word + " -> " + l.kind().word);
        if (c.amount() != l.amount()) parts.add("grant " + c.amount() + " -> " + l.amount() + " bytes");
        if (!c.slots().equals(l.slots())) parts.add((c.kind() == TetherAnswer.Kind.CONFIRMATION ? "slots confirmed " : "slots ") + c.slots() + " -> " + l.slots());
        return String.join("; ", parts);
    }

    /** The n-th of one against the n-th of the other; {@code what} names the answer in the words of a missing or extra one. */
    private static <T extends PeerAnswer> List<Difference> byPosition(List<T> captured, List<T> live, BiFunction<T, T, String> differs, String what) {
        List<Difference> out = new ArrayList<>();
        for (int i = 0; i < Math.max(captured.size(), live.size()); i++) {
            T c = i < captured.size() ? captured.get(i) : null, l = i < live.size() ? live.get(i) : null;
            if (c == null) out.add(new Difference(i, null, l, "the live peer sent a " + what + " the captured one did not"));
            else if (l == null) out.add(new Difference(i, c, null, "the live peer did not send this " + what));
            else {
                String d = differs.apply(c, l);
                if (!d.isEmpty()) out.add(new Difference(i, c, l, d));
            }
        }
        return out;
    }

    /** What differs between a captured message and the live one at its place, in words; "" when nothing does. */
    static String differs(Answer c, Answer l) {
        if (c.op() != l.op()) return "op " + c.opName() + " -> " + l.opName();
        List<String> parts = new ArrayList<>();
        if (c.refSeq() != l.refSeq()) parts.add("ref_seq " + c.refSeq() + " -> " + l.refSeq());
        if (c.code() != l.code()) parts.add((c.op() == SbiOps.NACK ? "error_code " : "status ") + c.code() + " -> " + l.code());
        if (!c.hash().equals(l.hash())) parts.add((c.op() == SbiOps.DAG_SYNC ? "root " : "block ") + c.hash() + " -> " + l.hash());
        if (!c.nodes().equals(l.nodes())) {
            List<String> lost = c.nodes().stream().filter(n -> !l.nodes().contains(n)).toList();
            List<String> added = l.nodes().stream().filter(n -> !c.nodes().contains(n)).toList();
            StringBuilder b = new StringBuilder("nodes " + c.nodes().size() + " -> " + l.nodes().size());
            if (!lost.isEmpty()) b.append(", not listed live: ").append(String.join(" ", lost));
            if (!added.isEmpty()) b.append(", listed only live: ").append(String.join(" ", added));
            if (lost.isEmpty() && added.isEmpty()) b.append(", in another order");
            parts.add(b.toString());
        }
        if (c.op() == SbiOps.HANDSHAKE && !Objects.equals(c.detail(), l.detail())) parts.add(c.detail() + " -> " + l.detail());
        return String.join("; ", parts);
    }
}
