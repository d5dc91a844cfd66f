package dev.cellscope.cli;

import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.stack.Stack;
import dev.cellscope.endpoint.stack.Transport;
import dev.cellscope.endpoint.store.Chunker;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.transport.UdpLink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The workload the {@code cellscope} launcher trains the JVM's ahead-of-time cache with (JEP 483/514/515:
 * {@code -XX:AOTCacheOutput}): the commands people run on small captures, in one JVM, so that the cache
 * holds their classes loaded and linked, whatever command came first. The launcher records no method profiles
 * (JEP 515): this workload's profiles are too small to guide C2 on real captures (see the launcher). Not a
 * user command; its output is discarded by the launcher. A command that fails here only leaves its
 * classes out of the cache.
 *
 * <p>It also puts and gets an 8 MB object over UDP loopback between a serving node and the {@code endpoint put}
 * and {@code endpoint get} commands in this JVM: a cold endpoint spent most of a 1 MB put loading classes and
 * interpreting (issue 12 item 8: 50 ms to answer the SYN, 145 ms before the first BLOCK_PUT), and the cache's
 * classes take much of that away (bench/README.md, goodput.sh).
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=F -cp cellscope.jar dev.cellscope.cli.AotTraining CAPTURE}
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: AotTraining CAPTURE");
            System.exit(Main.EXIT_USAGE);
        }
        String capture = args[0];
        System.setProperty("java.util.logging.SimpleFormatter.format", "cellscope: %5$s%6$s%n");
        Console.install();
        List<List<String>> commands = List.of(
                List.of("--version"),
                List.of("--help"),
                List.of("read", "-r", capture),
                List.of("read", "-r", capture, "-V"),
                List.of("read", "-r", capture, "-x", "-c", "5"),
                List.of("read", "-r", capture, "-T", "fields", "-e", "frame.number", "-e", "utcp.seq", "-e", "tether.flow"),
                List.of("read", "-r", capture, "-T", "json", "-c", "5"),
                List.of("read", "-r", capture, "-Y", "utcp.flags.data == 1 && utcp.seq > 1 && !tether"),
                List.of("read", "-r", capture, "-q", "-z", "expert"));
        for (List<String> command : commands) Main.run(command.toArray(String[]::new));
        try {
            endpointTransfers();
        } catch (IOException | RuntimeException e) {
            System.err.println("AotTraining: endpoint transfers skipped: " + e);
        }
        System.out.flush();
    }

    /** A put and a get of 8 MB (6 MB random: zstd gives up; 2 MB of text: it compresses) to a node serving on loopback. */
    private static void endpointTransfers() throws IOException {
        Path dir = Files.createTempDirectory("cellscope-aot");
        try {
            Path file = dir.resolve("object.bin");
            byte[] content = new byte[8 << 20];
            new Random(1).nextBytes(content);
            byte[] text = "cellscope trains its start-up cache with a put and a get\n".getBytes();
            for (int i = 6 << 20; i < content.length; i++) content[i] = text[i % text.length];
            Files.write(file, content);
            NodeIdentity serving = NodeIdentity.loadOrCreate(dir.resolve("serve.key"));
            try (Stack<InetSocketAddress> stack = Stack.open(Transport.udp(new InetSocketAddress("127.0.0.1", 0)), serving,
                    null, null, 1, line -> { })) {
                stack.mesh(dir.resolve("store-serve"), SbiConfig.DEFAULT_CAPABILITIES, 0);
                stack.serve();
                if (!(stack.link() instanceof UdpLink link)) return;
                String peer = serving.cellIdText() + "@127.0.0.1:" + link.localAddress().getPort();
                Main.run("endpoint", "put", file.toString(), "--to", peer, "--key", dir.resolve("put.key").toString(),
                        "--store", dir.resolve("store-put").toString(), "--timeout", "60");
                String root = HexFormat.of().formatHex(Chunker.store(ContentStore.open(dir.resolve("store-root")), file,
                        SbiConfig.DEFAULT_BLOCK_SIZE).root().toArray());
                Main.run("endpoint", "get", root, "--from", peer, "-o", dir.resolve("got.bin").toString(), "--key",
                        dir.resolve("get.key").toString(), "--store", dir.resolve("store-get").toString(), "--timeout", "60");
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
