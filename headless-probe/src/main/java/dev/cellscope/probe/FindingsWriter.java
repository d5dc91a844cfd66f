package dev.cellscope.probe;

import dev.cellscope.expert.Expert;
import dev.cellscope.expert.Severity;
import dev.cellscope.output.Json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Turns findings into the JSON lines of the findings file (docs/PROBE.md, "Findings"): one object
 * per finding with the capture time (RFC 3339, nanoseconds), the frame, the flow key as its CSV row
 * names it, severity, group, kind (the expert id of docs/EXPERTS.md), the kind's summary and this
 * finding's message. Findings about the capture as a whole (tap loss, unanswered NACKs) have no
 * frame and no flow, and the time of the last frame.
 */
final class FindingsWriter {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The flow a finding's frame belongs to: the key columns of its row in the flow CSV. */
    record Flow(String json) {
        static Flow utcp(String src, String dst, long stream) {
            StringBuilder b = new StringBuilder("{\"kind\":\"utcp\",\"src\":\"").append(src).append("\",\"dst\":\"").append(dst).append('"');
            if (stream >= 0) b.append(",\"stream\":").append(stream);
            return new Flow(b.append('}').toString());
        }

        static Flow tether(String sender, String target, long flow) {
            return new Flow("{\"kind\":\"tether\",\"sender\":\"" + sender + "\",\"target\":\"" + target + "\",\"flow\":" + Math.max(flow, 0) + "}");
        }
    }

    private final FindingsLog log;
    private long lastTime;

    /** @param log where the lines go, or null to write none */
    FindingsWriter(FindingsLog log) {
        this.log = log;
    }

    /** A frame with no findings went by: its time is the capture's last so far (the end findings carry it). */
    void seen(long timeNanos) {
        lastTime = timeNanos;
    }

    /** The findings of one frame (warn and above), written as one batch. */
    void frame(long number, long timeNanos, Flow flow, List<Expert> findings) {
        lastTime = timeNanos;
        if (log == null) return;
        StringBuilder b = new StringBuilder(256 * findings.size());
        for (Expert e : findings) line(b, timeNanos, number, flow, e);
        log.write(b);
    }

    /** Findings about the capture as a whole, when the source ended (warn and above). */
    void end(List<Expert> findings) {
        if (log == null) return;
        StringBuilder b = new StringBuilder();
        for (Expert e : findings) {
            if (e.severity().compareTo(Severity.WARN) >= 0) line(b, lastTime, -1, null, e);
        }
        log.write(b);
    }

    private static void line(StringBuilder b, long time, long frame, Flow flow, Expert e) {
        b.append("{\"time\":\"").append(RFC3339.format(Instant.ofEpochSecond(0, time))).append('"');
        b.append(",\"frame\":").append(frame >= 0 ? Long.toString(frame) : "null");
        b.append(",\"flow\":").append(flow == null ? "null" : flow.json());
        b.append(",\"severity\":\"").append(e.severity().label()).append('"');
        b.append(",\"group\":\"").append(e.group().label()).append('"');
        b.append(",\"kind\":\"").append(e.id()).append('"');
        b.append(",\"summary\":");
        Json.quote(e.kind().summary(), b);
        b.append(",\"message\":");
        Json.quote(e.message(), b);
        b.append("}\n");
    }
}
