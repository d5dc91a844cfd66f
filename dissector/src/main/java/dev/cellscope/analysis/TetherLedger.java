package dev.cellscope.analysis;

import dev.cellscope.analysis.TetherFlowState.Key;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.protocol.tether.TetherSlots;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.TetherExperts;
import dev.cellscope.wire.TetherControl.BulkNack;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Hail;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.wire.TetherHeader;
import dev.cellscope.wire.TetherControl;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static dev.cellscope.crypto.Identities.formatTetherId;

/**
 * Tether flow analysis and credit ledger (PROTOCOLS.md section 3, "Credit (grant) accounting").
 * One instance per capture, fed every Tether frame in capture order through {@link #observe};
 * it returns that frame's credit figures, links and expert findings, and keeps per-direction
 * statistics for the flow table ({@link #flows()}, {@link #summary()}).
 *
 * <h2>Decisions</h2>
 * <ul>
 * <li><b>Accounts.</b> Credit is kept per (sender, target, flow). A header from B to A with
 *     {@code grant_amount = G} on flow F adds G to account (A, B, F); a non-LAMP frame from A to
 *     B on flow F spends its whole Tether length (header + payload blocks) from (A, B, F). Flow 0
 *     is no exception: control traffic (Hail, Define, Manifest, Nack, Sideband) spends flow-0
 *     credit and is funded only by grants carried on flow-0 frames. A grant on flow 1 never funds
 *     flow 0 or the other way round.</li>
 * <li><b>Order within a frame.</b> The frame spends first, then its grant is credited. The two
 *     touch different accounts ((A, B, F) and (B, A, F)) unless sender equals target, and a
 *     frame cannot pay for itself with the credit it grants.</li>
 * <li><b>Exact balances.</b> Balances are not clamped at zero: an overrun leaves a negative
 *     balance so the deficit stays visible and later grants first repay it. A frame overruns when
 *     it spends more than the balance before it (a balance already negative overruns again). The
 *     finding is an error in group {@code credit}. Grants are unsigned u64; sums saturate at
 *     {@code Long.MAX_VALUE}.</li>
 * <li><b>LAMP.</b> LAMP frames spend nothing, on any flow. On flow 0 a Lamp is the start of an
 *     exchange: it should carry a Hail, and the next non-LAMP frame back from its target on flow
 *     0 should be a Hail (paid from the Lamp's grant). That reply gets a chat "answers the Lamp";
 *     the Lamp itself cannot be annotated afterwards because results are streamed. A LAMP frame on
 *     a data flow is a speculative data (or grant/NACK-only) frame and is not expected to carry a
 *     Hail.</li>
 * <li><b>Data frames.</b> A frame on flows 1–65535 with at least one payload block carries slot
 *     {@code slot_id}. A header-only frame on a data flow (the receiver's grants and singleton
 *     NACKs travel this way) carries no slot: it spends credit but is not a data frame.</li>
 * <li><b>Define and Manifest</b> sent from A to B for {@code target_flow} F describe A's data
 *     direction (A, B, F). Data on a direction never Defined is noted once (on its first data
 *     frame), not on every frame. A slot at or beyond {@code ceil(total_bytes / slot_size)} is a
 *     warning on every such frame.</li>
 * <li><b>NACKs.</b> {@code nack_slot ≠ 0} on a header from B to A on flow F, and every slot of a
 *     bulk Nack from B to A for {@code target_flow} F, ask A to re-send on (A, B, F). A slot
 *     NACKed again before its re-send keeps the first NACK (the delay is measured from it). A
 *     singleton NACK or bulk Nack on flow 0 itself has no data slot to ask for and is noted, not
 *     recorded. A re-send ({@code tether.analysis.resent}) follows the rule of UTCP
 *     retransmissions (PROTOCOLS.md section 2): a data frame whose slot an earlier NACK asked for,
 *     whether or not the tap saw the original; it is linked to that NACK (chat). A slot seen
 *     before and not NACKed since is a copy, not a re-send: it is a note only. NACKed slots
 *     still outstanding when the Manifest arrives are a warning; they stay outstanding, as the
 *     re-send may follow the Manifest.</li>
 * <li><b>Manifest totals.</b> {@code total_frames} is compared with every data frame the tap saw
 *     on the direction, retransmissions included (the sender counts what it sent), and
 *     {@code total_slots} with the distinct slots seen. The last Manifest decides the flow's
 *     {@link ManifestMatch}.</li>
 * <li><b>Manifest checksum.</b> When the tap saw every slot of the flow (each first copy, whole), the Manifest's
 *     {@code checksum} is held against the CRC-64/GO-ISO of the content they make ({@link TetherContentCheck}); a
 *     difference is an error and the Manifest does not match. Otherwise the match finding says why it was not
 *     checked. A re-sent slot is not compared with its first copy (nothing of a slot is kept).</li>
 * <li><b>Slot lengths.</b> A data frame of a Defined flow carries its slot's bytes zero-padded to whole blocks
 *     (slot_size, or what is left of total_bytes for the last slot). Any other payload length is an error, and the
 *     frame is malformed: it counts as a data frame sent, but not as a copy of its slot (a receiver drops it).</li>
 * <li><b>Bad checksums.</b> A frame whose CRC-64 is bad is not accounted at all ({@link #corrupt}): its header may be
 *     what was damaged (a flipped flow id made an overrun on a flow nobody used), and a receiver drops it. It is
 *     counted in {@link TetherLedgerSummary#corruptFrames}.</li>
 * <li><b>Clock.</b> The sender-to-tap delay is capture time minus TAI64N send time and may be
 *     negative; only a send time later than the capture by more than {@link Limits#clockToleranceNanos}
 *     (1 s by default) is noted. All plausible delays feed the flow's p50/p99.</li>
 * <li><b>Bounded memory.</b> No per-frame state is kept. Per direction: counters, the Define, a
 *     range set of seen slots (at most {@link Limits#maxSlotRangesPerFlow} ranges), outstanding
 *     NACKs (at most {@link Limits#maxOpenNacksPerFlow}) and a delay reservoir (at most
 *     {@link Limits#delaySamplesPerFlow}). Reaching a cap gives one finding per direction and
 *     the figures it affects become lower bounds. The number of directions is capped too
 *     ({@link Limits#maxFlows}); frames of further directions are returned untracked, with one
 *     finding for the capture.</li>
 * </ul>
 */
public final class TetherLedger {

    /**
     * Memory and tolerance limits.
     *
     * @param maxFlows              directions (sender, target, flow) tracked per capture
     * @param maxOpenNacksPerFlow   outstanding NACKed slots kept per direction
     * @param maxSlotRangesPerFlow  ranges of seen slots kept per direction
     * @param delaySamplesPerFlow   delay values sampled per direction for the percentiles
     * @param clockToleranceNanos   how far a send time may lie after the capture time unremarked
     */
    public record Limits(int maxFlows, int maxOpenNacksPerFlow, int maxSlotRangesPerFlow, int delaySamplesPerFlow,
                         long clockToleranceNanos) {
        public static final Limits DEFAULT = new Limits(262_144, 65_536, 4_096, 4_096, 1_000_000_000L);

        public Limits {
            if (maxFlows < 1 || maxOpenNacksPerFlow < 1 || maxSlotRangesPerFlow < 1 || delaySamplesPerFlow < 1
                    || clockToleranceNanos < 0) {
                throw new IllegalArgumentException("limits must be positive: " + this);
            }
        }
    }

    /** Outstanding slots named in a finding; the rest are counted. */
    private static final int LISTED_SLOTS = 8;

    private final Limits limits;
    private final Map<Key, TetherFlowState> flows = new LinkedHashMap<>();
    private boolean flowCapReported;
    private long frames, untracked, corrupt, overruns, deficitBytes, lamps, lampsAnswered, retransmissions;
    private long manifestsMatched, manifestsMismatched;

    public TetherLedger() {
        this(Limits.DEFAULT);
    }

    public TetherLedger(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Accounts one frame whose payload bytes are not known; frames must come in capture order. */
    public TetherFrameResult observe(TetherObservation o) {
        return observe(o, null);
    }

    /**
     * A frame whose CRC-64 is bad: counted, not accounted (class notes). Its header may be damaged, so it belongs
     * to no flow and moves no credit.
     */
    public TetherFrameResult corrupt(long frameNumber) {
        frames++;
        corrupt++;
        return new TetherFrameResult(frameNumber, false, 0, 0, 0, false, false, false,
                TetherFrameResult.NO_DELAY, TetherFrameResult.NONE, TetherFrameResult.NONE, List.of());
    }

    /**
     * Accounts one frame; frames must come in capture order. {@code payload} is its payload blocks as captured (a
     * data frame's slot content, zero-padded), or null when not known: the flow's content then cannot be checked.
     */
    public TetherFrameResult observe(TetherObservation o, MemorySegment payload) {
        frames++;
        List<Expert> findings = new ArrayList<>(2);
        TetherFlowState self = state(o.sender(), o.target(), o.flow(), findings);
        if (self == null) {
            untracked++;
            return new TetherFrameResult(o.frameNumber(), false, 0, 0, 0, false, o.lamp(), false,
                    TetherFrameResult.NO_DELAY, TetherFrameResult.NONE, TetherFrameResult.NONE, findings);
        }
        self.countPacket(o);
        if (o.cut() && o.flow() == 0) self.controlUncaptured = true;
        long delay = delay(self, o, findings);

        // Spend before crediting this frame's own grant (see class notes).
        long spent = TetherCredit.cost(o.flags(), o.tetherLength());
        long before = self.spend(spent);
        boolean overrun = spent > before;
        if (overrun) overrun(self, o, before, spent, findings);

        long answersLamp = TetherFrameResult.NONE;
        if (o.lamp()) {
            lamps++;
            if (o.flow() == 0) lampSent(o, findings);
        } else if (self.lampFrame != TetherFrameResult.NONE) {
            answersLamp = lampReply(self, o, findings);
        }

        boolean retransmission = false;
        long answersNack = TetherFrameResult.NONE;
        if (o.carriesData()) {
            self.dataFrames++;
            checkDefined(self, o, findings);
            // A payload that is not the slot's is no copy of it: it neither answers a NACK nor fills the slot.
            if (!wrongLength(self, o, findings)) {
                boolean first = !self.seen().contains(o.slot());
                TetherFlowState.PendingNack nack = self.takeNack(o.slot());
                if (nack != null) {
                    retransmission = true;
                    answersNack = nack.frame();
                    findings.add(new Expert(TetherExperts.RESEND_NACKED, "Re-sends slot " + Long.toUnsignedString(o.slot())
                            + " NACKed in frame " + nack.frame() + " after " + millis(o.timestampNanos() - nack.timestampNanos())));
                    self.seen().add(o.slot());
                } else if (!first) {
                    // Seen before and not asked for since: a copy (UTCP's "duplicate"), not a re-send; unless the NACK
                    // may have been in a control message of the receiver's that snaplen cut.
                    if (!controlUncaptured(o.target(), o.sender())) {
                        findings.add(new Expert(TetherExperts.RESEND_UNREQUESTED, "Slot " + Long.toUnsignedString(o.slot())
                                + " sent again without a NACK"));
                    }
                } else if (!self.seen().add(o.slot()) && !self.slotCapReported) {
                    self.slotCapReported = true;
                    findings.add(new Expert(TetherExperts.SLOT_TRACKING_FULL, "Slot tracking for flow " + o.flow() + " is full ("
                            + limits.maxSlotRangesPerFlow() + " ranges): slot counts become lower bounds"));
                }
                if (retransmission) {
                    self.slotsResent++;
                    retransmissions++;
                }
                if (first) content(self, o, payload);
            }
        }

        if (o.control() != null) control(o, findings);
        if (o.nackSlot() != 0) singletonNack(o, findings);
        if (o.grant() != 0) {
            TetherFlowState peer = state(o.target(), o.sender(), o.flow(), findings);
            if (peer != null) peer.grant(o.grant());
        }
        return new TetherFrameResult(o.frameNumber(), true, before, spent, self.credit, overrun, o.lamp(),
                retransmission, delay, answersNack, answersLamp, findings);
    }

    /** Per-direction statistics, in order of first appearance. */
    public List<TetherFlowStats> flows() {
        return flows.values().stream().map(TetherFlowState::snapshot).toList();
    }

    /** Statistics of one direction, or null if it was never seen. */
    public TetherFlowStats flow(long sender, long target, int flow) {
        TetherFlowState s = flows.get(new Key(sender, target, flow));
        return s == null ? null : s.snapshot();
    }

    public TetherLedgerSummary summary() {
        return new TetherLedgerSummary(frames, untracked, corrupt, flows.size(), overruns, deficitBytes, lamps, lampsAnswered,
                retransmissions, manifestsMatched, manifestsMismatched);
    }

    /** Directions tracked (memory tests). */
    int trackedFlows() {
        return flows.size();
    }

    /** Entries held in all capped per-direction structures (memory tests). */
    long retainedEntries() {
        return flows.values().stream().mapToLong(TetherFlowState::retainedEntries).sum();
    }

    private TetherFlowState state(long sender, long target, int flow, List<Expert> findings) {
        Key key = new Key(sender, target, flow);
        TetherFlowState s = flows.get(key);
        if (s != null) return s;
        if (flows.size() >= limits.maxFlows()) {
            if (!flowCapReported) {
                flowCapReported = true;
                findings.add(new Expert(TetherExperts.FLOW_TABLE_FULL, "Tether flow table full (" + limits.maxFlows()
                        + " directions): frames of further flows are not accounted"));
            }
            return null;
        }
        s = new TetherFlowState(key, limits);
        flows.put(key, s);
        return s;
    }

    private long delay(TetherFlowState self, TetherObservation o, List<Expert> findings) {
        if (!o.hasSendTime()) return TetherFrameResult.NO_DELAY;
        long delay = o.timestampNanos() - o.sendTimeUtcNanos();
        self.addDelay(delay);
        if (delay < -limits.clockToleranceNanos()) {
            findings.add(new Expert(TetherExperts.CLOCK_AHEAD, "Sender clock ahead of the tap by " + seconds(-delay)
                    + " (send time after the capture time)"));
        }
        return delay;
    }

    private void overrun(TetherFlowState self, TetherObservation o, long before, long spent, List<Expert> findings) {
        self.overruns++;
        overruns++;
        deficitBytes = TetherFlowState.saturatingAdd(deficitBytes, spent - before);
        findings.add(new Expert(TetherExperts.GRANT_OVERRUN, "Grant overrun: sends " + spent + " bytes on flow " + o.flow()
                + " with " + before + " bytes of credit (deficit " + (spent - before) + ")"));
    }

    /** A Lamp on flow 0: it should carry a Hail; its reply is awaited on the reverse direction. */
    private void lampSent(TetherObservation o, List<Expert> findings) {
        // A cut frame's control message is unknown: nothing is said about it.
        if (!(o.control() instanceof Hail) && !o.cut()) {
            findings.add(new Expert(TetherExperts.LAMP_NOT_HAIL, "Lamp carries " + describe(o.control()) + ", not a Hail"));
        }
        TetherFlowState reverse = state(o.target(), o.sender(), 0, findings);
        if (reverse != null) {
            reverse.lampFrame = o.frameNumber();
            reverse.lampTimestamp = o.timestampNanos();
        }
    }

    /** The first non-LAMP frame back after a Lamp is its reply; returns the Lamp's frame. */
    private long lampReply(TetherFlowState self, TetherObservation o, List<Expert> findings) {
        long lamp = self.lampFrame;
        self.lampFrame = TetherFrameResult.NONE;
        String from = formatTetherId(o.target());
        if (o.control() instanceof Hail) {
            lampsAnswered++;
            findings.add(new Expert(TetherExperts.HAIL_ANSWERS, "Hail answers the Lamp from " + from + " in frame " + lamp
                    + " after " + millis(o.timestampNanos() - self.lampTimestamp)));
        } else if (!o.cut()) {
            findings.add(new Expert(TetherExperts.LAMP_REPLY_NOT_HAIL, "Reply to the Lamp from " + from + " in frame " + lamp
                    + " is " + describe(o.control()) + ", not a Hail"));
        }
        return lamp;
    }

    private void checkDefined(TetherFlowState self, TetherObservation o, List<Expert> findings) {
        TetherFlowState.Definition def = self.definition;
        if (def == null) {
            if (!self.undefinedReported && !controlUncaptured(o.sender(), o.target())) {
                self.undefinedReported = true;
                findings.add(new Expert(TetherExperts.FLOW_UNDEFINED, "Data on flow " + o.flow() + ", which no Define from "
                        + formatTetherId(o.sender()) + " announced"));
            }
            return;
        }
        long count = def.slotCount();
        if (def.slotSize() != 0 && !TetherSlots.within(o.slot(), count)) {
            findings.add(new Expert(TetherExperts.SLOT_BEYOND_END, "Slot " + Long.toUnsignedString(o.slot())
                    + " is beyond the end of flow " + o.flow() + " (" + Long.toUnsignedString(def.totalBytes())
                    + " bytes = " + Long.toUnsignedString(count) + " slots of " + def.slotSize()
                    + ", Define in frame " + def.frame() + ")"));
        }
    }

    /**
     * A data frame whose payload is not its slot's bytes in whole blocks, as the Define sized them: an error (true).
     * False when the length is right or cannot be judged (no Define, a slot beyond the end).
     */
    private boolean wrongLength(TetherFlowState self, TetherObservation o, List<Expert> findings) {
        TetherContentCheck content = self.content;
        long want = content == null ? -1 : content.payloadBytes(o.slot());
        long carried = o.tetherLength() - TetherHeader.SIZE;
        if (want < 0 || carried == want) return false;
        findings.add(new Expert(TetherExperts.SLOT_LENGTH, "Slot " + Long.toUnsignedString(o.slot()) + " of flow " + o.flow()
                + " carries " + carried + " payload bytes where its " + content.slotBytes(o.slot()) + " content bytes take "
                + want + " (Define in frame " + self.definition.frame() + "): not taken as the slot"));
        return true;
    }

    /** The first accepted copy of a slot: into the flow's content checksum, when its bytes are known. */
    private static void content(TetherFlowState self, TetherObservation o, MemorySegment payload) {
        TetherContentCheck content = self.content;
        if (content == null || content.slotBytes(o.slot()) < 0) return;
        if (!self.seen().contains(o.slot())) content.lose("slot tracking is full");
        else if (o.cut() || payload == null) content.lose("the bytes of slot " + Long.toUnsignedString(o.slot()) + " were not captured");
        else content.add(o.slot(), payload);
    }

    /** Whether a control message from {@code sender} to {@code target} went uncaptured (snaplen). */
    private boolean controlUncaptured(long sender, long target) {
        TetherFlowState control = flows.get(new Key(sender, target, 0));
        return control != null && control.controlUncaptured;
    }

    private void control(TetherObservation o, List<Expert> findings) {
        switch (o.control()) {
            case Define d -> define(o, d, findings);
            case Manifest m -> manifest(o, m, findings);
            case BulkNack n -> bulkNack(o, n, findings);
            default -> { } // Hail is handled with the Lamp; Sideband and unknown tags carry no accounting
        }
    }

    private void define(TetherObservation o, Define d, List<Expert> findings) {
        TetherFlowState s = state(o.sender(), o.target(), d.targetFlow(), findings);
        if (s == null) return;
        TetherFlowState.Definition before = s.definition;
        s.definition = new TetherFlowState.Definition(d.slotSize(), d.totalBytes(), o.frameNumber());
        // A Define sent again as it was keeps the content gathered so far; a different one starts it anew, and slots
        // sent before it (under another Define, or none) are not in it.
        if (before == null || before.slotSize() != d.slotSize() || before.totalBytes() != d.totalBytes()) {
            s.content = new TetherContentCheck(d.slotSize(), d.totalBytes());
            if (s.dataFrames > 0) s.content.lose("data came before this Define");
        }
        if (d.slotSize() == 0) {
            findings.add(new Expert(TetherExperts.DEFINE_ZERO_SLOT, "Define for flow " + d.targetFlow() + " has slot size 0"));
        }
    }

    private void manifest(TetherObservation o, Manifest m, List<Expert> findings) {
        TetherFlowState s = state(o.sender(), o.target(), m.targetFlow(), findings);
        if (s == null) return;
        long slots = s.distinctSlots(), frames = s.dataFrames;
        boolean totals = m.totalSlots() == slots && m.totalFrames() == frames;
        String unchecked = s.content == null ? "no Define seen" : s.content.uncheckable();
        boolean checksum = unchecked != null || s.content.checksum() == m.checksum();
        s.manifest = totals && checksum ? ManifestMatch.YES : ManifestMatch.NO;
        if (totals && checksum) manifestsMatched++;
        else manifestsMismatched++;
        String says = Long.toUnsignedString(m.totalSlots()) + " slots / " + Long.toUnsignedString(m.totalFrames()) + " frames";
        if (!checksum) {
            findings.add(new Expert(TetherExperts.MANIFEST_CHECKSUM_BAD, "Manifest for flow " + m.targetFlow() + " carries checksum "
                    + FieldFormat.hex(m.checksum(), 64) + "; the content of the " + slots + " slots the tap saw has "
                    + FieldFormat.hex(s.content.checksum(), 64)));
        }
        if (!totals) {
            findings.add(new Expert(TetherExperts.MANIFEST_MISMATCH, "Manifest for flow " + m.targetFlow() + " says " + says
                    + "; the tap saw " + (s.slotsSaturated() ? "at least " : "") + slots + " slots / " + frames + " frames"));
        } else if (checksum) {
            findings.add(new Expert(TetherExperts.MANIFEST_MATCH, "Manifest for flow " + m.targetFlow() + " matches: " + says
                    + (unchecked == null ? ", and the content's checksum" : "; content not checked: " + unchecked)));
        }
    }

    /**
     * End of capture: a flow whose sender sent its Manifest with NACKed slots it never re-sent afterwards, as far as
     * the tap saw. Judged here, not at the Manifest: a Manifest may be written while a NACK is on its way, or while a
     * re-send is lost, and the re-send follows it (tether-lamp's slot 123, whose first two re-sends the wire dropped).
     */
    public List<Expert> finish() {
        List<Expert> out = new ArrayList<>();
        for (Map.Entry<Key, TetherFlowState> e : flows.entrySet()) {
            TetherFlowState s = e.getValue();
            int open = s.outstandingCount();
            if (open == 0 || s.manifest == ManifestMatch.NONE) continue;
            Key k = e.getKey();
            String listed = Arrays.stream(s.outstanding(LISTED_SLOTS)).mapToObj(Long::toUnsignedString)
                    .collect(Collectors.joining(", "));
            out.add(new Expert(TetherExperts.NACK_UNANSWERED, open + (open == 1 ? " slot" : " slots") + " of flow " + k.flow()
                    + " from " + FieldFormat.mac(k.sender()) + " to " + FieldFormat.mac(k.target())
                    + " NACKed but never re-sent: " + listed + (open > LISTED_SLOTS ? ", …" : "")));
        }
        return out;
    }

    /** A bulk Nack from B to A for flow F asks A to re-send on (A, B, F). */
    private void bulkNack(TetherObservation o, BulkNack n, List<Expert> findings) {
        if (n.targetFlow() == 0) {
            findings.add(new Expert(TetherExperts.NACK_FLOW_ZERO, "Nack for flow 0, which carries no data slots"));
            return;
        }
        TetherFlowState s = state(o.target(), o.sender(), n.targetFlow(), findings);
        if (s == null) return;
        long[] slots = n.slots();
        s.nackSlotsBulk += slots.length;
        for (long slot : slots) recordNack(s, slot, o, findings);
    }

    /** {@code nack_slot} on a header from B to A on flow F asks A to re-send on (A, B, F). */
    private void singletonNack(TetherObservation o, List<Expert> findings) {
        if (o.flow() == 0) {
            findings.add(new Expert(TetherExperts.NACK_SLOT_FLOW_ZERO, "NACK slot " + Long.toUnsignedString(o.nackSlot())
                    + " on flow 0, which carries no data slots"));
            return;
        }
        TetherFlowState s = state(o.target(), o.sender(), o.flow(), findings);
        if (s == null) return;
        s.nackSlotsSingleton++;
        recordNack(s, o.nackSlot(), o, findings);
    }

    private void recordNack(TetherFlowState s, long slot, TetherObservation o, List<Expert> findings) {
        if (!s.nack(slot, o.frameNumber(), o.timestampNanos()) && !s.nackCapReported) {
            s.nackCapReported = true;
            findings.add(new Expert(TetherExperts.NACK_TRACKING_FULL, "Outstanding NACKs of flow " + s.key.flow() + " from "
                    + formatTetherId(s.key.target()) + " exceed " + limits.maxOpenNacksPerFlow()
                    + " slots: further NACKed slots are not tracked"));
        }
    }

    private static String describe(TetherControl c) {
        return switch (c) {
            case null -> "no control block";
            case Hail h -> "a Hail";
            case Define d -> "a Define";
            case Manifest m -> "a Manifest";
            case BulkNack n -> "a Nack";
            case TetherControl.Sideband s -> "a Sideband";
            case TetherControl.UnknownControl u -> "control tag " + u.tag();
        };
    }

    /** Nanoseconds as milliseconds without trailing zeros: 400000 → "0.4 ms". */
    static String millis(long nanos) {
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + " ms";
    }

    /** Nanoseconds as seconds without trailing zeros: 2500000000 → "2.5 s". */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " s";
    }
}
