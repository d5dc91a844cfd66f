package dev.cellscope.filter;

/**
 * A display filter that cannot be compiled: what is wrong and where. The message is meant
 * for the person who typed the filter; {@link #caretLine()} points at the spot.
 */
public final class FilterException extends IllegalArgumentException {
    private final String expression;
    private final int position;

    FilterException(String expression, int position, String message) {
        super(message);
        this.expression = expression;
        this.position = Math.max(0, Math.min(position, expression.length()));
    }

    /** The filter text as given. */
    public String expression() {
        return expression;
    }

    /** 0-based offset into {@link #expression()} of the offending spot (may equal its length: the end). */
    public int position() {
        return position;
    }

    /** 1-based column of {@link #position()}, as the messages say it. */
    public int column() {
        return position + 1;
    }

    /** Two lines: the expression, and a caret under the offending spot. */
    public String caretLine() {
        StringBuilder b = new StringBuilder(expression).append('\n');
        for (int i = 0; i < position; i++) b.append(expression.charAt(i) == '\t' ? '\t' : ' ');
        return b.append('^').toString();
    }
}
