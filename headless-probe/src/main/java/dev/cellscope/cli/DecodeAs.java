package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.dissect.DissectorConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code -d udp.port==N}, tshark's decode-as, for every command that dissects (read, stats, plot, probe, replay): a
 * UDP port other than 34997 whose datagrams carry UTCP or Tether. One option, so a capture of an endpoint on
 * another port reads the same in each of them.
 */
final class DecodeAs {
    @Option(names = "-d", paramLabel = "udp.port==N",
            description = "Also decode UDP port N as UTCP/Tether (like tshark's decode-as); repeatable. Port 34997 always is.")
    List<String> specs = new ArrayList<>();

    /**
     * The dissector's configuration with the ports given added to the default one, as tshark's decode-as adds to a
     * dissector's ports (a review found -d 34998 silently stopped 34997 from being decoded); a malformed spec is a
     * usage error.
     */
    DissectorConfig config() {
        if (specs.isEmpty()) return DissectorConfig.defaults();
        Set<Integer> ports = new HashSet<>(DissectorConfig.defaults().cellUdpPorts());
        for (String spec : specs) {
            String s = spec.replace(" ", "");
            if (!s.startsWith("udp.port==")) throw UserError.usage("-d takes udp.port==N, got '" + spec + "'");
            String port = s.substring("udp.port==".length()).replaceFirst(",.*$", "");
            try {
                int n = Integer.parseInt(port);
                if (n < 1 || n > 65535) throw new NumberFormatException();
                ports.add(n);
            } catch (NumberFormatException e) {
                throw UserError.usage("-d: '" + port + "' is not a UDP port (1-65535)");
            }
        }
        return DissectorConfig.defaults().withUdpPorts(ports);
    }
}
