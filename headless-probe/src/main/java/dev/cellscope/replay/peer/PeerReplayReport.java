package dev.cellscope.replay.peer;

import dev.cellscope.output.Json;

import java.util.List;

/** What {@code replay --as} prints, and the same as JSON ({@code --report FILE}). */
public final class PeerReplayReport {
    private PeerReplayReport() {}

    public static String text(PeerReplay.Result r) {
        CapturedConversation c = r.conversation();
        StringBuilder b = new StringBuilder();
        b.append("Conversation ").append(c.stream()).append(": ").append(c.initiator().hex()).append(" -> ").append(c.responder().hex())
                .append(", replayed as the ").append(side(r)).append(" (").append(c.cellId(r.side()).hex()).append(")\n");
        b.append("Sent: ").append(r.sent()).append(" of ").append(c.sentBy(r.side()).size()).append(" messages in ")
                .append(String.format("%.3f", r.elapsedNanos() / 1e9)).append(" s\n");
        b.append("Answers: ").append(r.live().size()).append(" live, ").append(r.captured().size()).append(" captured; ")
                .append(r.differences().isEmpty() ? "no differences" : r.differences().size() + " differ").append('\n');
        for (Difference d : r.differences()) {
            b.append("  message ").append(d.index()).append(": ").append(d.what()).append('\n');
            if (d.captured() != null) b.append("    captured: ").append(d.captured().describe()).append('\n');
            if (d.live() != null) b.append("    live:     ").append(d.live().describe()).append('\n');
        }
        for (String n : r.notes()) b.append("Note: ").append(n).append('\n');
        return b.toString();
    }

    private static String side(PeerReplay.Result r) {
        return r.side() == CapturedConversation.Side.INITIATOR ? "initiator" : "responder";
    }

    public static String json(PeerReplay.Result r) {
        CapturedConversation c = r.conversation();
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"conversation\": ").append(c.stream()).append(",\n");
        field(b, "initiator", c.initiator().hex());
        field(b, "responder", c.responder().hex());
        field(b, "side", side(r));
        b.append("  \"messages_sent\": ").append(r.sent()).append(",\n");
        b.append("  \"messages_captured\": ").append(c.sentBy(r.side()).size()).append(",\n");
        b.append("  \"elapsed_s\": ").append(String.format("%.6f", r.elapsedNanos() / 1e9)).append(",\n");
        b.append("  \"captured_answers\": ").append(answers(r.captured())).append(",\n");
        b.append("  \"live_answers\": ").append(answers(r.live())).append(",\n");
        b.append("  \"differences\": [");
        for (int i = 0; i < r.differences().size(); i++) {
            Difference d = r.differences().get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"index\": ").append(d.index()).append(", \"what\": ");
            Json.quote(d.what(), b);
            b.append(", \"captured\": ").append(d.captured() == null ? "null" : answer(d.captured()))
                    .append(", \"live\": ").append(d.live() == null ? "null" : answer(d.live())).append('}');
        }
        b.append(r.differences().isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"notes\": [");
        for (int i = 0; i < r.notes().size(); i++) {
            if (i > 0) b.append(", ");
            Json.quote(r.notes().get(i), b);
        }
        return b.append("]\n}\n").toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("  \"").append(name).append("\": ");
        Json.quote(value, b);
        b.append(",\n");
    }

    private static String answers(List<Answer> list) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) b.append(i == 0 ? "\n    " : ",\n    ").append(answer(list.get(i)));
        return b.append(list.isEmpty() ? "]" : "\n  ]").toString();
    }

    private static String answer(Answer a) {
        StringBuilder b = new StringBuilder("{\"index\": ").append(a.index()).append(", \"op\": ");
        Json.quote(a.opName(), b);
        if (a.refSeq() >= 0) b.append(", \"ref_seq\": ").append(a.refSeq());
        if (a.code() >= 0) b.append(a.op() == dev.cellscope.protocol.sbi.SbiOps.NACK ? ", \"error_code\": " : ", \"status\": ").append(a.code());
        if (!a.hash().isEmpty()) {
            b.append(a.op() == dev.cellscope.protocol.sbi.SbiOps.DAG_SYNC ? ", \"root\": " : ", \"block_hash\": ");
            Json.quote(a.hash(), b);
        }
        if (!a.nodes().isEmpty()) {
            b.append(", \"nodes\": [");
            for (int i = 0; i < a.nodes().size(); i++) {
                if (i > 0) b.append(", ");
                Json.quote(a.nodes().get(i), b);
            }
            b.append(']');
        }
        if (!a.detail().isEmpty()) {
            b.append(", \"detail\": ");
            Json.quote(a.detail(), b);
        }
        return b.append('}').toString();
    }
}
