package dev.cellscope.live;

import java.util.List;

/**
 * An interface a live capture can open, as {@code cellscope read -D} lists it.
 *
 * @param name        what {@code -i} takes
 * @param description a description when the system has one, else null
 * @param addresses   its addresses as text (IPv4, IPv6, MAC), possibly empty
 * @param up          administratively up
 * @param running     up and with a carrier (frames can flow)
 * @param loopback    the loopback interface
 */
public record CaptureInterface(String name, String description, List<String> addresses, boolean up, boolean running,
                               boolean loopback) {
    public CaptureInterface {
        addresses = List.copyOf(addresses);
    }
}
