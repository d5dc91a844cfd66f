package dev.cellscope.replay.peer;

import dev.cellscope.output.Json;
import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.util.Arrays;
import java.util.List;

/**
 * What a Tether receiver sent the sender of flow {@code flow}, in the terms {@code replay --as
 * tether-sender} compares: the Hail answering the Lamp (its grant), a grant on the data flow, a
 * singleton NACK (its slot and the re-send's grant), a bulk Nack on flow 0 (its slots), and the
 * confirmation (LAMP|SYNC header-only with slot_id = total_slots). One rule, {@link #of}, reads the
 * captured receiver's frames and the live receiver's alike.
 *
 * @param index  its place among the receiver's answers of the same kind
 * @param kind   what it is
 * @param amount the grant it carries, in bytes (0 for none)
 * @param slots  the slots NACKed, or the confirmed slot count; else empty
 */
public record TetherAnswer(int index, Kind kind, long amount, List<Long> slots) implements PeerAnswer {
    public TetherAnswer {
        slots = List.copyOf(slots);
    }

    public enum Kind {
        HAIL("hail"), GRANT("grant"), NACK("nack"), BULK_NACK("bulk nack"), CONFIRMATION("confirmation");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        /** The kinds compared as one sequence: a singleton and a bulk Nack both ask for re-sends. */
        Kind group() {
            return this == BULK_NACK ? NACK : this;
        }
    }

    /**
     * The answer a frame from the receiver is to the sender of {@code flow}, or null when it is none
     * (another flow, a flow-0 grant without control, an unknown control).
     */
    public static TetherAnswer of(TetherFrame f, int flow) {
        TetherHeader h = f.header();
        boolean headerOnly = f.payload().length() == 0;
        if (h.flowId() == flow && headerOnly) {
            if ((h.flags() & TetherFlags.SYNC) != 0) return new TetherAnswer(0, Kind.CONFIRMATION, h.grantAmount(), List.of(h.slotId()));
            if (h.nackSlot() != 0) return new TetherAnswer(0, Kind.NACK, h.grantAmount(), List.of(h.nackSlot()));
            if (h.grantAmount() > 0) return new TetherAnswer(0, Kind.GRANT, h.grantAmount(), List.of());
            return null;
        }
        if (h.flowId() != 0 || headerOnly || !(f.control() instanceof Decoded.Ok<TetherControl>(TetherControl c, int _))) return null;
        return switch (c) {
            case TetherControl.Hail _ -> new TetherAnswer(0, Kind.HAIL, h.grantAmount(), List.of());
            case TetherControl.BulkNack n when n.targetFlow() == flow ->
                    new TetherAnswer(0, Kind.BULK_NACK, h.grantAmount(), Arrays.stream(n.slots()).boxed().toList());
            default -> null;
        };
    }

    TetherAnswer at(int i) {
        return new TetherAnswer(i, kind, amount, slots);
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(kind.word);
        if (kind == Kind.CONFIRMATION) return b.append(" of ").append(slots.getFirst()).append(" slots").toString();
        if (!slots.isEmpty()) b.append(" slot").append(slots.size() > 1 ? "s " : " ").append(String.join(",", slots.stream().map(String::valueOf).toList()));
        if (amount > 0 || kind == Kind.GRANT) b.append(kind == Kind.GRANT ? " " : " grant ").append(amount).append(" bytes");
        return b.toString();
    }

    @Override
    public String json() {
        StringBuilder b = new StringBuilder("{\"index\": ").append(index).append(", \"kind\": ");
        Json.quote(kind.word, b);
        b.append(", \"grant\": ").append(amount);
        if (!slots.isEmpty()) {
            b.append(kind == Kind.CONFIRMATION ? ", \"total_slots\": " + slots.getFirst() : ", \"slots\": " + slots.toString());
        }
        return b.append('}').toString();
    }
}
