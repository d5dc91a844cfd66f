package dev.cellscope.samples;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A capture run through the full dissector and single-pass analysis, as `cellscope read -z expert` does. */
final class Analysed {
    final List<ProtoTree> frames = new ArrayList<>();
    final List<Expert> captureFindings;
    final boolean readCleanly;

    Analysed(Path file) throws IOException {
        this(file, AnalysisConfig.defaults());
    }

    Analysed(Path file, AnalysisConfig config) throws IOException {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(config);
        Dissector d = new Dissector();
        try (CaptureReader r = CaptureReader.open(file)) {
            long first = -1, previous = 0;
            Packet p;
            while ((p = r.next()) != null) {
                if (first < 0) first = previous = p.timestampNanos();
                ProtoTree t = new ProtoTree();
                d.dissect(p, new FrameTiming(first, previous), analysis, t);
                frames.add(t);
                previous = p.timestampNanos();
            }
            readCleanly = r.error().isEmpty();
        }
        captureFindings = analysis.finish();
    }

    /** Every finding, frame ones then capture-level ones. */
    List<Expert> experts() {
        List<Expert> all = new ArrayList<>();
        for (ProtoTree t : frames) for (ProtoNode n : t.experts()) all.add(n.expert());
        all.addAll(captureFindings);
        return all;
    }

    static List<ProtoNode> find(ProtoTree t, FieldDef f) {
        return t.find(f);
    }
}
