package dev.cellscope.replay.peer;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.Identities;
import dev.cellscope.output.Json;
import dev.cellscope.wire.Bytes;

import java.util.List;

/** What {@code replay --as} prints, and the same as JSON ({@code --report FILE}). */
public final class PeerReplayReport {
    private PeerReplayReport() {}

    public static String text(PeerReplay.Result r) {
        CapturedConversation c = r.conversation();
        StringBuilder b = new StringBuilder();
        b.append("Conversation ").append(c.stream()).append(": ").append(c.initiator().hex()).append(" -> ").append(c.responder().hex())
                .append(", replayed as the ").append(side(r)).append(" (").append(c.cellId(r.side()).hex()).append(')');
        // The live client connects with a CellID of its own, which the user may not know.
        if (r.side() == CapturedConversation.Side.RESPONDER) b.append(" to the live initiator ").append(r.livePeer().hex());
        b.append('\n');
        b.append("Sent: ").append(r.sent()).append(" of ").append(c.sentBy(r.side()).size()).append(" messages in ")
                .append(String.format("%.3f", r.elapsedNanos() / 1e9)).append(" s\n");
        // The live peer's messages: answers to ours, or (replaying the responder) the requests ours answer.
        b.append(r.side() == CapturedConversation.Side.INITIATOR ? "Answers: " : "Messages: ").append(r.live().size()).append(" live, ").append(r.captured().size()).append(" captured; ")
                .append(r.differences().isEmpty() ? "no differences" : r.differences().size() + " differ").append('\n');
        differences(b, r.differences(), "message");
        for (String n : r.notes()) b.append("Note: ").append(n).append('\n');
        return b.toString();
    }

    private static void differences(StringBuilder b, List<Difference> all, String unit) {
        for (Difference d : all) {
            b.append("  ").append(d.captured() instanceof TetherAnswer t ? t.kind().group().word : d.live() instanceof TetherAnswer t ? t.kind().group().word : unit);
            if (d.captured() != null || d.live() != null) b.append(' ').append(d.index());
            b.append(": ").append(d.what()).append('\n');
            if (d.captured() != null) b.append("    captured: ").append(d.captured().describe()).append('\n');
            if (d.live() != null) b.append("    live:     ").append(d.live().describe()).append('\n');
        }
    }

    /** The Tether sender side ({@code --as tether-sender}). */
    public static String text(TetherReplay.Result r) {
        CapturedTetherFlow c = r.flow();
        StringBuilder b = new StringBuilder();
        b.append("Tether flow ").append(c.flow()).append(": ").append(Identities.formatTetherId(c.sender())).append(" -> ")
                .append(Identities.formatTetherId(c.receiver())).append(", replayed as the sender\n");
        b.append("Sent: ").append(c.totalBytes()).append(" bytes in ").append(r.liveSlots()).append(" slots of ").append(c.slotSize())
                .append(", ").append(r.liveFrames()).append(" data frames in ").append(String.format("%.3f", r.elapsedNanos() / 1e9))
                .append(" s; ").append(r.status()).append('\n');
        b.append("Content: BLAKE3 ").append(Bytes.of(Blake3.hash(c.content())).hex()).append(", CRC-64 ").append(Long.toHexString(c.manifestChecksum())).append('\n');
        b.append("Answers: ").append(r.live().size()).append(" live, ").append(r.captured().size()).append(" captured (")
                .append(counts(r.live())).append(" live; ").append(counts(r.captured())).append(" captured); ")
                .append(r.differences().isEmpty() ? "no differences" : r.differences().size() + " differ").append('\n');
        differences(b, r.differences(), "flow");
        for (String n : r.notes()) b.append("Note: ").append(n).append('\n');
        return b.toString();
    }

    private static String counts(List<TetherAnswer> all) {
        List<String> parts = new java.util.ArrayList<>();
        for (TetherAnswer.Kind k : TetherAnswer.Kind.values()) {
            long n = all.stream().filter(a -> a.kind() == k).count();
            long bytes = all.stream().filter(a -> a.kind() == k).mapToLong(TetherAnswer::amount).sum();
            if (n > 0) parts.add(n + " " + k.word + (k == TetherAnswer.Kind.GRANT ? " (" + bytes + " bytes)" : ""));
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    public static String json(TetherReplay.Result r) {
        CapturedTetherFlow c = r.flow();
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"tether_flow\": ").append(c.flow()).append(",\n");
        field(b, "sender", Identities.formatTetherId(c.sender()));
        field(b, "receiver", Identities.formatTetherId(c.receiver()));
        field(b, "side", "tether-sender");
        b.append("  \"total_bytes\": ").append(c.totalBytes()).append(",\n");
        b.append("  \"slot_size\": ").append(c.slotSize()).append(",\n");
        field(b, "content_blake3", Bytes.of(Blake3.hash(c.content())).hex());
        field(b, "captured_manifest_checksum", Long.toHexString(c.manifestChecksum()));
        field(b, "live_manifest_checksum", Long.toHexString(r.liveChecksum()));
        b.append("  \"captured_manifest_frames\": ").append(c.manifestFrames()).append(",\n");
        b.append("  \"live_manifest_frames\": ").append(r.liveFrames()).append(",\n");
        field(b, "status", r.status().name());
        b.append("  \"elapsed_s\": ").append(String.format("%.6f", r.elapsedNanos() / 1e9)).append(",\n");
        b.append("  \"captured_answers\": ").append(answers(r.captured())).append(",\n");
        b.append("  \"live_answers\": ").append(answers(r.live())).append(",\n");
        tail(b, r.differences(), r.notes());
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
        field(b, "live_peer", r.livePeer().hex());
        b.append("  \"messages_sent\": ").append(r.sent()).append(",\n");
        b.append("  \"messages_captured\": ").append(c.sentBy(r.side()).size()).append(",\n");
        b.append("  \"elapsed_s\": ").append(String.format("%.6f", r.elapsedNanos() / 1e9)).append(",\n");
        b.append("  \"captured_answers\": ").append(answers(r.captured())).append(",\n");
        b.append("  \"live_answers\": ").append(answers(r.live())).append(",\n");
        tail(b, r.differences(), r.notes());
        return b.toString();
    }

    /** The differences and notes, and the closing brace: the same for both sides. */
    private static void tail(StringBuilder b, List<Difference> differences, List<String> notes) {
        b.append("  \"differences\": [");
        for (int i = 0; i < differences.size(); i++) {
            Difference d = differences.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"index\": ").append(d.index()).append(", \"what\": ");
            Json.quote(d.what(), b);
            b.append(", \"captured\": ").append(d.captured() == null ? "null" : d.captured().json())
                    .append(", \"live\": ").append(d.live() == null ? "null" : d.live().json()).append('}');
        }
        b.append(differences.isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            if (i > 0) b.append(", ");
            Json.quote(notes.get(i), b);
        }
        b.append("]\n}\n");
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("  \"").append(name).append("\": ");
        Json.quote(value, b);
        b.append(",\n");
    }

    private static String answers(List<? extends PeerAnswer> list) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) b.append(i == 0 ? "\n    " : ",\n    ").append(list.get(i).json());
        return b.append(list.isEmpty() ? "]" : "\n  ]").toString();
    }
}
