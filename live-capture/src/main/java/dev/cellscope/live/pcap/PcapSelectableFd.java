package dev.cellscope.live.pcap;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.pcap4j.core.PcapHandle;

import java.lang.reflect.Field;

/**
 * {@code pcap_get_selectable_fd} of a pcap4j handle, which pcap4j 1.8.2 does not map: the descriptor the
 * capture thread polls with a timeout while the handle is in non-blocking mode (PcapSource says why).
 * pcap4j keeps the {@code pcap_t *} in a private field; 1.8.2 is the last pcap4j and is pinned by the
 * build, and PcapBackendTest opens a handle through here, so a change to that field fails a test, not a capture.
 * The call goes through JNA, on the library instance pcap4j itself loaded.
 */
final class PcapSelectableFd {
    private PcapSelectableFd() {}

    /** The descriptor; -1 when libpcap has none for this handle (not on Linux). */
    static int of(PcapHandle handle) {
        Pointer pcap;
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            pcap = (Pointer) f.get(handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("pcap4j's PcapHandle no longer holds its pcap_t in 'handle' (" + e + ")", e);
        }
        String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap"); // the name pcap4j loaded
        Function f = NativeLibrary.getInstance(lib).getFunction("pcap_get_selectable_fd");
        return f.invokeInt(new Object[] {pcap});
    }
}
