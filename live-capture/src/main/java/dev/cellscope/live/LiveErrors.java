package dev.cellscope.live;

import java.util.List;

/**
 * The one-line messages every backend gives for the failures a user meets on the command line,
 * worded once so that {@code --backend pcap} and {@code --backend afpacket} say the same thing
 * (and the README's error table holds for both).
 */
public final class LiveErrors {
    public static final String NO_PERMISSION_FIX = "run as root or give the binary cap_net_raw"
            + " (setcap cap_net_raw,cap_net_admin+eip on the java binary)";

    private LiveErrors() {}

    /** {@code any} is libpcap's device of every interface (Linux cooked capture): only the pcap backend has it. */
    public static final String ANY = "any";

    public static String noSuchInterface(String ifname, List<String> existing) {
        if (ANY.equals(ifname)) {
            return "any: this backend captures one interface; libpcap's any device needs --backend pcap (here: "
                    + (existing.isEmpty() ? "none" : String.join(", ", existing)) + ")";
        }
        return ifname + ": no such interface (here: " + (existing.isEmpty() ? "none" : String.join(", ", existing))
                + "; cellscope read -D lists them)";
    }

    public static String noPermission(String ifname) {
        return ifname + ": no permission to capture (needs CAP_NET_RAW): " + NO_PERMISSION_FIX;
    }

    public static String interfaceDown(String ifname) {
        return ifname + ": the interface is down: bring it up (ip link set " + ifname + " up)";
    }
}
