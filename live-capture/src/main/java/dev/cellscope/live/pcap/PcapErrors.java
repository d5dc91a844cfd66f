package dev.cellscope.live.pcap;

import dev.cellscope.live.LiveErrors;

import java.util.List;

/**
 * libpcap's failures as one line that names the fix. pcap4j hands over libpcap's return code
 * (PCAP_ERROR_*) and message; these are the ones a user meets on the command line.
 */
final class PcapErrors {
    // libpcap's pcap.h
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    static final int PCAP_ERROR_PERM_DENIED = -8;
    static final int PCAP_ERROR_IFACE_NOT_UP = -9;
    static final int PCAP_ERROR_PROMISC_PERM_DENIED = -11;
    static final int PCAP_ERROR_TSTAMP_PRECISION_NOTSUP = -12;

    private PcapErrors() {}

    /** Why opening {@code ifname} failed, in one line. */
    static String open(String ifname, Integer code, String message, List<String> existing) {
        String m = message == null ? "" : message.strip();
        int rc = code == null ? 0 : code;
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE || (!existing.isEmpty() && !existing.contains(ifname))
                || m.contains("No such device")) {
            return noSuchInterface(ifname, existing);
        }
        if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED || m.contains("Operation not permitted")
                || m.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
            return LiveErrors.noPermission(ifname);
        }
        if (rc == PCAP_ERROR_IFACE_NOT_UP) return LiveErrors.interfaceDown(ifname);
        return ifname + ": cannot capture: " + (m.isEmpty() ? "libpcap error " + rc : m);
    }

    static String noSuchInterface(String ifname, List<String> existing) {
        return LiveErrors.noSuchInterface(ifname, existing);
    }

    /** A filter libpcap would not compile: its own message, without pcap4j's prefix. */
    static String filter(String filter, String message) {
        String m = message == null ? "" : message.strip();
        m = m.replaceFirst("^Error occ?urr?ed in pcap_compile: ", "").replaceFirst("^Error occ?urr?ed in pcap_setfilt\\w*: ", "");
        return "bad capture filter '" + filter + "': " + (m.isEmpty() ? "libpcap cannot compile it" : m);
    }
}
