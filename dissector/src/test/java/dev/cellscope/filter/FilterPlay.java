package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;

import java.util.ArrayList;
import java.util.List;

/** Exploration aid (not a test): {@code FilterPlay 'expr' ...} prints the matching frames; {@code FilterPlay -V n} dumps frame n. */
public final class FilterPlay {
    public static void main(String[] args) {
        Dissector d = new Dissector();
        if (args.length == 2 && args[0].equals("-V")) {
            ProtoTree t = FilterFixture.frames().get(Integer.parseInt(args[1]) - 1).tree(d);
            dump(t.roots(), "");
            return;
        }
        for (String a : args) {
            try {
                DisplayFilter f = DisplayFilter.compile(a);
                List<Long> compiled = new ArrayList<>(), reference = new ArrayList<>();
                FilterSink s = f.newSink();
                for (FilterFixture.Frame fr : FilterFixture.frames()) {
                    s.reset();
                    d.dissect(fr.packet(), fr.timing(), s);
                    if (f.matches(s)) compiled.add(fr.number());
                    if (ReferenceEvaluator.matches(f, fr.tree(d))) reference.add(fr.number());
                }
                System.out.println(a + "\t" + compiled + (compiled.equals(reference) ? "" : "\tREFERENCE " + reference) + "\t" + f);
            } catch (FilterException e) {
                System.out.println(a + "\tERROR " + e.position() + "\t" + e.getMessage());
            }
        }
    }

    private static void dump(List<ProtoNode> nodes, String indent) {
        for (ProtoNode n : nodes) {
            System.out.println(indent + n.label() + "   [" + n.field().name() + "]");
            dump(n.children(), indent + "    ");
        }
    }
}
