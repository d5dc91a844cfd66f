package dev.cellscope.nativetap.dpdk;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offsets {@link DpdkAbi} declares against the installed DPDK's own headers: gcc compiles a
 * program printing {@code offsetof}/{@code sizeof} of the same fields (the independent answer), so
 * a DPDK with another layout fails here rather than reading the wrong bytes.
 */
class DpdkAbiTest {
    private static final Path HEADERS = Path.of("/usr/include/dpdk/rte_ethdev_core.h");

    @Test
    void theLayoutsAreTheInstalledHeaders(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(HEADERS), "DPDK's headers are not installed (Debian package dpdk-dev, libdpdk-dev): nothing to compare with");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc not found (Debian package gcc): cannot compile the headers' offsets");
        Path c = dir.resolve("abi.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stddef.h>
                #include <rte_ethdev.h>
                #include <rte_mbuf.h>
                #define P(n, v) printf("%s %ld\\n", n, (long) (v))
                int main(void) {
                  P("MAX_ETHPORTS", RTE_MAX_ETHPORTS);
                  P("FP_OPS_SIZE", sizeof(struct rte_eth_fp_ops));
                  P("FP_RX_PKT_BURST", offsetof(struct rte_eth_fp_ops, rx_pkt_burst));
                  P("FP_RXQ_DATA", offsetof(struct rte_eth_fp_ops, rxq.data));
                  P("FP_RXQ_CLBK", offsetof(struct rte_eth_fp_ops, rxq.clbk));
                  P("MBUF_BUF_ADDR", offsetof(struct rte_mbuf, buf_addr));
                  P("MBUF_DATA_OFF", offsetof(struct rte_mbuf, data_off));
                  P("MBUF_NB_SEGS", offsetof(struct rte_mbuf, nb_segs));
                  P("MBUF_PKT_LEN", offsetof(struct rte_mbuf, pkt_len));
                  P("MBUF_DATA_LEN", offsetof(struct rte_mbuf, data_len));
                  P("MBUF_NEXT", offsetof(struct rte_mbuf, next));
                  P("MBUF_SIZE", sizeof(struct rte_mbuf));
                  P("STATS_IPACKETS", offsetof(struct rte_eth_stats, ipackets));
                  P("STATS_IBYTES", offsetof(struct rte_eth_stats, ibytes));
                  P("STATS_IMISSED", offsetof(struct rte_eth_stats, imissed));
                  P("STATS_IERRORS", offsetof(struct rte_eth_stats, ierrors));
                  P("STATS_RX_NOMBUF", offsetof(struct rte_eth_stats, rx_nombuf));
                  P("STATS_SIZE", sizeof(struct rte_eth_stats));
                  P("ETH_CONF_SIZE", sizeof(struct rte_eth_conf));
                  P("PKTMBUF_HEADROOM", RTE_PKTMBUF_HEADROOM);
                  P("MBUF_DEFAULT_BUF_SIZE", RTE_MBUF_DEFAULT_BUF_SIZE);
                  P("SIZEOF_LEN_FIELDS", sizeof(((struct rte_mbuf *) 0)->pkt_len) * 100 + sizeof(((struct rte_mbuf *) 0)->data_len) * 10
                      + sizeof(((struct rte_mbuf *) 0)->data_off));
                  return 0;
                }
                """);
        String include = "-I/usr/include/dpdk", arch = "-I/usr/include/x86_64-linux-gnu/dpdk";
        Path exe = dir.resolve("abi");
        String compiled = run(List.of("gcc", include, arch, "-include", "rte_config.h", "-march=corei7", c.toString(), "-o", exe.toString()));
        assertTrue(Files.isExecutable(exe), "gcc: " + compiled);
        Map<String, Long> fromC = new HashMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2) fromC.put(f[0], Long.parseLong(f[1]));
        }
        Map<String, Long> ours = Map.ofEntries(Map.entry("MAX_ETHPORTS", (long) DpdkAbi.MAX_ETHPORTS),
                Map.entry("FP_OPS_SIZE", DpdkAbi.FP_OPS_SIZE), Map.entry("FP_RX_PKT_BURST", DpdkAbi.FP_RX_PKT_BURST),
                Map.entry("FP_RXQ_DATA", DpdkAbi.FP_RXQ_DATA), Map.entry("FP_RXQ_CLBK", DpdkAbi.FP_RXQ_CLBK),
                Map.entry("MBUF_BUF_ADDR", DpdkAbi.MBUF_BUF_ADDR), Map.entry("MBUF_DATA_OFF", DpdkAbi.MBUF_DATA_OFF),
                Map.entry("MBUF_NB_SEGS", DpdkAbi.MBUF_NB_SEGS), Map.entry("MBUF_PKT_LEN", DpdkAbi.MBUF_PKT_LEN),
                Map.entry("MBUF_DATA_LEN", DpdkAbi.MBUF_DATA_LEN), Map.entry("MBUF_NEXT", DpdkAbi.MBUF_NEXT),
                Map.entry("MBUF_SIZE", DpdkAbi.MBUF_SIZE), Map.entry("STATS_IPACKETS", DpdkAbi.STATS_IPACKETS),
                Map.entry("STATS_IBYTES", DpdkAbi.STATS_IBYTES), Map.entry("STATS_IMISSED", DpdkAbi.STATS_IMISSED),
                Map.entry("STATS_IERRORS", DpdkAbi.STATS_IERRORS), Map.entry("STATS_RX_NOMBUF", DpdkAbi.STATS_RX_NOMBUF),
                Map.entry("STATS_SIZE", DpdkAbi.STATS_SIZE), Map.entry("ETH_CONF_SIZE", DpdkAbi.ETH_CONF_SIZE),
                Map.entry("PKTMBUF_HEADROOM", (long) DpdkAbi.PKTMBUF_HEADROOM),
                Map.entry("MBUF_DEFAULT_BUF_SIZE", (long) DpdkAbi.MBUF_DEFAULT_BUF_SIZE),
                Map.entry("SIZEOF_LEN_FIELDS", 4L * 100 + 2 * 10 + 2)); // uint32_t pkt_len, uint16_t data_len and data_off, as read
        assertEquals(new java.util.TreeMap<>(ours), new java.util.TreeMap<>(fromC));
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
