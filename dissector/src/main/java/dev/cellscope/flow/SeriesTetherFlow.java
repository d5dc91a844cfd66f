package dev.cellscope.flow;

import dev.cellscope.field.FieldFormat;

/**
 * One Tether credit account over time: the sender's credit for sending to the target on a
 * flow (PROTOCOLS.md section 3). Grants travel the other way (from the target to the sender)
 * but are booked here, on the account they fund.
 *
 * @param sender       48-bit Tether identity that spends
 * @param target       48-bit Tether identity that grants
 * @param flow         flow id (0 is the control plane, which has its own credit)
 * @param granted      grant bytes issued per interval (by the target, to the sender)
 * @param spent        bytes spent per interval ({@code tether.analysis.spent})
 * @param credit       the running balance: {@code tether.analysis.credit_after} at each frame the
 *                     sender sent, and that balance plus the grant at each grant frame
 * @param overruns     frames sent with too little credit, at their balance after the frame
 * @param frames       frames in either direction of the account
 * @param grantTotal   all grant bytes issued
 * @param spentTotal   all bytes spent
 */
public record SeriesTetherFlow(long sender, long target, int flow, long[] granted, long[] spent, SeriesXY credit,
                               SeriesXY overruns, long frames, long grantTotal, long spentTotal) {

    /** {@code SENDER,TARGET,FLOW} as {@code cellscope plot --flow} takes it. */
    public String id() {
        return FieldFormat.mac(sender) + "," + FieldFormat.mac(target) + "," + flow;
    }

    /** Bytes moved on the account (granted + spent): how "busy" it is. */
    public long traffic() {
        return grantTotal + spentTotal;
    }
}
