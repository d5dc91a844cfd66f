package dev.cellscope.gui.view;

import dev.cellscope.gui.model.FrameIndex;
import javafx.collections.ObservableListBase;

/**
 * The rows of the packet list as the table sees them: 0-based frame indexes, either every frame
 * indexed so far or those a display filter matched. No object per frame: a row's Integer is made
 * when the table asks for it (only the visible rows), so a million-frame list costs nothing here.
 */
public final class FrameRows extends ObservableListBase<Integer> {
    private FrameIndex index;
    private int[] matches; // null: every frame
    private int[] order; // the shown frames as a sorted column orders them; null: in frame order
    private int[] rowOfFrame; // order's inverse, made when first asked
    private int size;
    private int matchCount; // valid entries of matches

    /** Shows every frame of {@code index} (call {@link #grow()} as it fills). */
    public void showAll(FrameIndex index) {
        this.index = index;
        this.matches = null;
        this.order = null;
        reset(index == null ? 0 : index.size());
    }

    /** Shows only the frames at these 0-based indexes. */
    public void showOnly(int[] frames) {
        showOnly(frames, frames.length);
    }

    /** Shows only the first {@code count} frames of {@code frames} (ascending 0-based indexes). */
    public void showOnly(int[] frames, int count) {
        this.matches = frames;
        this.matchCount = count;
        this.order = null;
        reset(count);
    }

    /**
     * Shows more matches of the filter being applied: {@code frames} begins with the frames shown
     * now (a filter's matches so far only ever grow at the end), so rows are added, none replaced,
     * and the selection and scroll position stay.
     */
    public void extend(int[] frames, int count) {
        if (matches == null || order != null || count < size) {
            showOnly(frames, count);
            return;
        }
        matches = frames;
        matchCount = count;
        if (count == size) return;
        int from = size;
        beginChange();
        size = count;
        nextAdd(from, count);
        endChange();
    }

    /** The frames shown now, in frame order (the rows a sort reorders). */
    public int[] shownInFrameOrder() {
        if (matches != null) return java.util.Arrays.copyOf(matches, matchCount);
        int n = index == null ? 0 : index.size(); // every frame indexed, also those not yet added while sorted
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        return all;
    }

    /** Shows the same frames in this order (a permutation of {@link #shownInFrameOrder()}); null: frame order again. */
    public void order(int[] frames) {
        order = frames;
        rowOfFrame = null;
        reset(frames != null ? frames.length : matches != null ? matchCount : index == null ? 0 : index.size());
    }

    public boolean ordered() {
        return order != null;
    }

    public boolean filtered() {
        return matches != null;
    }

    /** Adds the frames indexed since the last call (while a capture is still being read). */
    public void grow() {
        if (index == null || matches != null || order != null) return;
        int now = index.size();
        if (now <= size) return;
        int from = size;
        beginChange();
        size = now;
        nextAdd(from, now);
        endChange();
    }

    private void reset(int newSize) {
        beginChange();
        if (size > 0) nextRemove(0, new java.util.AbstractList<Integer>() {
            final int n = size;
            @Override public Integer get(int i) { return i; }
            @Override public int size() { return n; }
        });
        size = newSize;
        if (newSize > 0) nextAdd(0, newSize);
        endChange();
    }

    /** The row showing 0-based frame {@code frame}, or -1 when it is not shown. */
    public int rowOf(int frame) {
        if (order != null) {
            if (rowOfFrame == null) {
                rowOfFrame = new int[index.size()];
                java.util.Arrays.fill(rowOfFrame, -1);
                for (int r = 0; r < order.length; r++) rowOfFrame[order[r]] = r;
            }
            return frame >= 0 && frame < rowOfFrame.length ? rowOfFrame[frame] : -1;
        }
        if (matches == null) return frame < size ? frame : -1;
        int r = java.util.Arrays.binarySearch(matches, 0, matchCount, frame);
        return r >= 0 ? r : -1;
    }

    @Override
    public Integer get(int row) {
        if (order != null) return order[row];
        return matches == null ? row : matches[row];
    }

    @Override
    public int size() {
        return size;
    }
}
