package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.TeeSink;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;

import java.util.ArrayList;
import java.util.List;

/**
 * Which colouring rule a frame matches first: the rules' compiled filters, each with its sink, teed
 * behind another sink of the caller's. Used while a capture is read ({@link IndexConsumer}) and when
 * the rules are edited ({@link Recolour}). One per thread.
 */
final class ColourMatcher {
    private final List<DisplayFilter> rules = new ArrayList<>();
    private final List<FilterSink> sinks = new ArrayList<>();

    ColourMatcher(List<ColourRule> colours) {
        for (ColourRule r : colours) {
            DisplayFilter f = r.compile();
            rules.add(f);
            sinks.add(f.newSink());
        }
    }

    /** {@code first} followed by every rule's sink: what the session dissects each frame into. */
    FieldSink teeAfter(FieldSink first) {
        FieldSink s = first;
        for (FilterSink f : sinks) s = new TeeSink(s, f);
        return s;
    }

    /** Before each frame. */
    void reset() {
        for (FilterSink f : sinks) f.reset();
    }

    /** The index of the first rule the frame just dissected matches, or -1. */
    int colour() {
        for (int i = 0; i < rules.size(); i++) if (rules.get(i).matches(sinks.get(i))) return i;
        return -1;
    }
}
