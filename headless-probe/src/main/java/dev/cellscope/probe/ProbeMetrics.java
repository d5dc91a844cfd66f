package dev.cellscope.probe;

import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;
import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.ring.RingStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.cellscope.session.AnalysisCounters;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The probe's metrics (docs/PROBE.md lists them), in a registry of their own. Counters the
 * capture thread bumps per frame are held as data points looked up once, so a frame costs a few
 * adder increments and no label lookup; counters owned by a live source or a ring writer are read
 * through their suppliers when scraped. Every method may be called from any thread.
 */
public final class ProbeMetrics {
    /** Protocol label of a frame: UTCP carrying UTCP-SBI, other UTCP, Tether, anything else. */
    public enum Protocol { UTCP, SBI, TETHER, OTHER;
        String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CounterDataPoint[] packets = new CounterDataPoint[Protocol.values().length];
    private final CounterDataPoint[] bytes = new CounterDataPoint[Protocol.values().length];
    private final CounterDataPoint[][] findings = new CounterDataPoint[Severity.values().length][ExpertGroup.values().length];
    private final CounterDataPoint utcpNacks, tetherNacks, sbiNacks, utcpRetransmissions, tetherResent, overruns, verified, failed,
            unknownCellIds, flowEnd, flowInterval, outputErrors;
    private final Gauge activeFlows;
    private final LongAdder parserDrops = new LongAdder();
    private final LongAdder frames = new LongAdder(), frameBytes = new LongAdder(), allFindings = new LongAdder();
    private volatile CaptureStatsSupplier capture = CaptureStatsSupplier.NONE;
    private volatile boolean capturing = true;
    private volatile RingStatsSupplier ring = RingStatsSupplier.NONE;
    private volatile LongSupplier flowsCapped = () -> 0;
    private volatile Supplier<AnalysisCounters> analysis = () -> AnalysisCounters.NONE;

    public ProbeMetrics() {
        Counter p = Counter.builder().name("cellscope_packets_total").help("Frames analysed, by protocol (utcp, sbi: UTCP frames completing UTCP-SBI messages, tether, other)")
                .labelNames("protocol").register(registry);
        Counter b = Counter.builder().name("cellscope_bytes_total").help("Bytes on the wire (frame.len) of the frames analysed, by protocol")
                .labelNames("protocol").register(registry);
        for (Protocol pr : Protocol.values()) {
            packets[pr.ordinal()] = p.labelValues(pr.label());
            bytes[pr.ordinal()] = b.labelValues(pr.label());
        }
        CounterWithCallback.builder().name("cellscope_drops_total")
                .help("Frames lost to the probe, by cause: kernel (capture buffer full), interface (NIC/driver), ring (user-space hand-off), parser (frames too malformed to analyse), disk (not written to ring files)")
                .labelNames("cause").callback(cb -> {
                    CaptureStats c = capture.captureStats();
                    cb.call(known(c.kernelDropped()), "kernel");
                    cb.call(known(c.interfaceDropped()), "interface");
                    cb.call(known(c.sourceDropped()), "ring");
                    cb.call(parserDrops.sum(), "parser");
                    cb.call(ring.ringStats().packetsDroppedDisk(), "disk");
                }).register(registry);
        CounterWithCallback.builder().name("cellscope_capture_received_total")
                .help("Packets the live capture layer received (isb_ifrecv); 0 for a file").callback(cb -> cb.call(known(capture.captureStats().kernelReceived())))
                .register(registry);
        CounterWithCallback.builder().name("cellscope_ring_files_written_total").help("Capture ring files finished (--ring)")
                .callback(cb -> cb.call(ring.ringStats().filesClosed())).register(registry);
        CounterWithCallback.builder().name("cellscope_ring_files_deleted_total").help("Capture ring files deleted to keep the last --ring-files")
                .callback(cb -> cb.call(ring.ringStats().filesDeleted())).register(registry);
        CounterWithCallback.builder().name("cellscope_ring_packets_written_total").help("Packets written to capture ring files (--ring)")
                .callback(cb -> cb.call(ring.ringStats().packetsWritten())).register(registry);
        CounterWithCallback.builder().name("cellscope_ring_bytes_written_total").help("Bytes written to capture ring files (--ring)")
                .callback(cb -> cb.call(ring.ringStats().bytesWritten())).register(registry);
        CounterWithCallback.builder().name("cellscope_ring_write_errors_total")
                .help("Capture ring write, open, flush or delete errors (a full disk, a vanished directory); capture and analysis go on")
                .callback(cb -> cb.call(ring.ringStats().writeErrors())).register(registry);
        Counter nacks = Counter.builder().name("cellscope_nacks_total")
                .help("NACKs seen: UTCP NACK frames, Tether NACKs (singleton and bulk), UTCP-SBI NACK messages").labelNames("protocol").register(registry);
        utcpNacks = nacks.labelValues("utcp");
        tetherNacks = nacks.labelValues("tether");
        sbiNacks = nacks.labelValues("sbi");
        Counter retx = Counter.builder().name("cellscope_retransmissions_total")
                .help("UTCP DATA frames answering a NACK (utcp.analysis.retransmission); Tether slots re-sent for a NACK (tether.analysis.resent)")
                .labelNames("protocol").register(registry);
        utcpRetransmissions = retx.labelValues("utcp");
        tetherResent = retx.labelValues("tether");
        overruns = Counter.builder().name("cellscope_grant_overruns_total").help("Tether frames sent with too little credit (tether.analysis.overrun)")
                .register(registry).labelValues();
        verified = Counter.builder().name("cellscope_blocks_verified_total").help("BLOCK_PUTs whose BLAKE3 matched (sbi.put.verified = 1)")
                .register(registry).labelValues();
        failed = Counter.builder().name("cellscope_blocks_failed_total").help("BLOCK_PUTs that failed verification (sbi.put.verified = 0)")
                .register(registry).labelValues();
        unknownCellIds = Counter.builder().name("cellscope_unknown_cellid_total")
                .help("Frames from or to a CellID outside the address book (utcp.unknown_cell)").register(registry).labelValues();
        CounterWithCallback.builder().name("cellscope_tap_loss_seqs_total")
                .help("UTCP DATA seqs the peers exchanged that the tap never saw (settled gaps the receiver never NACKed); utcp.tap_loss at the end")
                .callback(cb -> cb.call(analysis.get().tapLostSeqs())).register(registry);
        CounterWithCallback.builder().name("cellscope_network_loss_seqs_total")
                .help("UTCP DATA seqs lost on the network (NACKed by the receiver): loss the peers saw, not the tap")
                .callback(cb -> cb.call(analysis.get().networkLostSeqs())).register(registry);
        Counter f = Counter.builder().name("cellscope_findings_total").help("Expert findings, by severity and group (every severity)")
                .labelNames("severity", "group").register(registry);
        for (Severity s : Severity.values()) {
            for (ExpertGroup g : ExpertGroup.values()) findings[s.ordinal()][g.ordinal()] = f.labelValues(s.label(), g.label());
        }
        activeFlows = Gauge.builder().name("cellscope_active_flows").help("Flow table rows live now (utcp directions, tether flows, sbi pairs)")
                .register(registry);
        Counter records = Counter.builder().name("cellscope_flow_records_total")
                .help("Flow records written to --flows: end (flow ended or evicted), interval (active flow, every --flow-interval)")
                .labelNames("record").register(registry);
        flowEnd = records.labelValues("end");
        flowInterval = records.labelValues("interval");
        CounterWithCallback.builder().name("cellscope_limit_hits_total")
                .help("Memory bounds of the analysis reached: held_bytes (reassembly holes given up at the per-direction cap or the --held-bytes budget), conversations (conversations forgotten at the cap on live conversations)")
                .labelNames("limit").callback(cb -> {
                    AnalysisCounters c = analysis.get();
                    cb.call(c.holesGivenUp(), "held_bytes");
                    cb.call(c.conversationsForgotten(), "conversations");
                }).register(registry);
        CounterWithCallback.builder().name("cellscope_flow_table_evictions_total").help("Flow rows written early because --max-flows rows were live")
                .callback(cb -> cb.call(flowsCapped.getAsLong())).register(registry);
        outputErrors = Counter.builder().name("cellscope_output_errors_total")
                .help("Writes of --flows or --findings that failed (the probe goes on; stderr says why)").register(registry).labelValues();
        // 0 once the source ended: during --linger a scraper sees the final counts and that nothing is captured any more.
        GaugeWithCallback.builder().name("cellscope_up").help("1 while the probe captures (or reads), 0 once its source ended (--linger)")
                .callback(cb -> cb.call(capturing ? 1 : 0)).register(registry);
        // The probe's own CPU and memory: process_cpu_seconds_total, process_resident_memory_bytes, jvm_memory_*.
        JvmMetrics.builder().register(registry);
    }

    /** A counter the source does not know (below 0) is exported as 0: Prometheus counters have no "unknown". */
    static long known(long v) {
        return Math.max(0, v);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Where kernel, interface and ring drops come from (a live source). */
    public void captureStats(CaptureStatsSupplier s) {
        capture = s;
    }

    /** Where ring files written and disk drops come from (a ring writer). */
    public void ringStats(RingStatsSupplier s) {
        ring = s;
    }

    /** Where the analysis's running counters come from (the session). */
    void analysisCounters(Supplier<AnalysisCounters> s) {
        analysis = s;
    }

    void flowsCapped(LongSupplier s) {
        flowsCapped = s;
    }

    CaptureStats capture() {
        return capture.captureStats();
    }

    RingStats ring() {
        return ring.ringStats();
    }

    // ---- from the capture thread ----

    void frame(Protocol p, long wireBytes) {
        packets[p.ordinal()].inc();
        bytes[p.ordinal()].inc(wireBytes);
        frames.increment();
        frameBytes.add(wireBytes);
    }

    void finding(Severity s, ExpertGroup g) {
        findings[s.ordinal()][g.ordinal()].inc();
        allFindings.increment();
    }

    void parserDrop() { parserDrops.increment(); }
    void utcpNack() { utcpNacks.inc(); }
    void tetherNack() { tetherNacks.inc(); }
    void sbiNack() { sbiNacks.inc(); }
    void utcpRetransmission() { utcpRetransmissions.inc(); }
    void tetherResent() { tetherResent.inc(); }
    void overrun() { overruns.inc(); }
    void verified() { verified.inc(); }
    void failed() { failed.inc(); }
    void unknownCellId() { unknownCellIds.inc(); }
    void flowRecord(boolean end) { (end ? flowEnd : flowInterval).inc(); }
    void outputError() { outputErrors.inc(); }

    /** The source ended: {@code cellscope_up} is 0 from now on. */
    void sourceEnded() { capturing = false; }
    void activeFlows(int n) { activeFlows.set(n); }

    // ---- for the status line ----

    long frames() { return frames.sum(); }
    long bytes() { return frameBytes.sum(); }
    long findings() { return allFindings.sum(); }
    long parserDrops() { return parserDrops.sum(); }
    long activeFlows() { return (long) activeFlows.get(); }
}
