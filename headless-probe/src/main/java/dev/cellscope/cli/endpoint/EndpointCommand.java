package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.stack.PeerAddress;
import dev.cellscope.endpoint.stack.Stack;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.live.ring.RingUnits;
import dev.cellscope.wire.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code cellscope endpoint}: cellscope as a peer under test's counterpart. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Speak UTCP, UTCP-SBI and Tether to a peer.",
        subcommands = {EndpointCommand.Serve.class, EndpointCommand.Put.class, EndpointCommand.Get.class,
                TetherSend.class, TetherRecv.class})
public final class EndpointCommand {
    /** How long put and get wait for the close handshake (FIN/ACK) before the process exits. */
    private static final long DRAIN_NANOS = 2_000_000_000L;

    /** Serves blocks and objects from the store to every peer, until stopped (SIGTERM/SIGINT flush and exit). */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the content store to peers until stopped.")
    static final class Serve implements java.util.concurrent.Callable<Integer> {
        @Mixin
        NodeOptions options;

        @Override
        public Integer call() throws InterruptedException {
            CountDownLatch stop = new CountDownLatch(1);
            try {
                Stack<?> stack = options.openStack(true, System.out);
                try {
                    options.mesh(stack);
                    stack.serve();
                } catch (RuntimeException e) {
                    stack.close();
                    throw e;
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stack.event("stopping" + stack.faultSummary() + "; " + stack.limitsSummary());
                    stack.close();
                    System.out.flush();
                    stop.countDown();
                }));
            } catch (StackException e) {
                throw StackErrors.toUserError(e);
            }
            stop.await();
            return 0;
        }
    }

    /** Puts a file into a peer's store: DAG_SYNC, then BLOCK_PUTs of what it lacks. */
    @Command(name = "put", mixinStandardHelpOptions = true, description = "Send a file to a peer (chunked, DAG_SYNC + BLOCK_PUT).")
    static final class Put implements java.util.concurrent.Callable<Integer> {
        @Mixin
        NodeOptions options;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--to", required = true, paramLabel = "PEER", description = "CELLID@HOST:PORT or NAME@HOST:PORT (udp), CELLID@MAC or NAME@MAC (eth)")
        String to;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default 300).")
        long timeout = 300;

        @Option(names = "--block-size", paramLabel = "BYTES", description = "Chunk size, announced in the HANDSHAKE (65536, 128KiB, 255KiB; "
                + "at most 262080). Default: 64 KiB, or the smallest multiple of 4 KiB that keeps a larger file within one "
                + "DAG_SYNC's 8190 chunks.")
        String blockSize;

        @Override
        public Integer call() {
            if (timeout < 1) throw UserError.usage("--timeout must be at least 1 s");
            UserError.requireRegularFile(file);
            int chunkSize;
            try {
                chunkSize = blockSize(Files.size(file));
            } catch (java.io.IOException e) {
                throw UserError.failure(file + ": " + e.getMessage());
            }
            try (Stack<?> stack = options.openStack(false, System.err)) {
                return put(stack, chunkSize);
            } catch (java.io.IOException e) {
                throw UserError.failure(file + ": " + e.getMessage());
            } catch (StackException e) {
                throw StackErrors.toUserError(e);
            }
        }

        /**
         * The block size for a file of {@code size} bytes: --block-size, or {@link SbiConfig#blockSizeFor}. An object is one
         * DAG_SYNC's node list (depth 1, PROTOCOLS.md), so at most {@link SbiConfig#MAX_CHUNKS} chunks.
         */
        private int blockSize(long size) {
            if (size > SbiConfig.MAX_OBJECT_SIZE) {
                throw UserError.failure(file + ": " + size + " bytes is more than one object holds (" + SbiConfig.MAX_CHUNKS
                        + " chunks of at most " + SbiConfig.MAX_BLOCK_SIZE + " bytes: " + SbiConfig.MAX_OBJECT_SIZE + " bytes); split the file");
            }
            if (blockSize == null) return SbiConfig.blockSizeFor(size);
            long bytes;
            try {
                bytes = RingUnits.bytes(blockSize); // sizes are spelt as the probe's --ring-size is
            } catch (IllegalArgumentException | ArithmeticException e) {
                bytes = -1;
            }
            if (bytes < 1 || bytes > SbiConfig.MAX_BLOCK_SIZE) {
                throw UserError.usage("--block-size must be 1 to " + SbiConfig.MAX_BLOCK_SIZE + " bytes (65536, 128KiB, 255KiB), got '" + blockSize + "'");
            }
            long chunks = SbiConfig.chunks(size, (int) bytes);
            if (chunks > SbiConfig.MAX_CHUNKS) {
                throw UserError.usage("--block-size " + bytes + " cuts " + file + " into " + chunks + " chunks, more than one DAG_SYNC holds ("
                        + SbiConfig.MAX_CHUNKS + "); " + SbiConfig.blockSizeFor(size) + " fits, or leave --block-size out");
            }
            return (int) bytes;
        }

        private <A> int put(Stack<A> stack, int chunkSize) throws java.io.IOException {
            MeshNode<A> node = options.mesh(stack, chunkSize);
            PeerAddress peer = PeerAddress.parse(to, stack.book());
            A where = stack.address(peer.where());
            // Chunked here, not on the scheduler thread: that would stall the connection's packets and timers.
            List<Bytes> chunks = node.chunk(file).chunks();
            long start = System.nanoTime();   // the summary's time and rate are the transfer's: connect to the last ACK
            PutResult result = overConnection(stack, node, peer, where, "put", p -> p.putObject(chunks), timeout);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.println(HexFormat.of().formatHex(result.root().toArray()));
            System.err.printf("put %s: %d chunks, %d blocks sent in %.2f s (%.1f MB/s)%s%n", file, result.chunks(), result.blocksSent(),
                    s, Files.size(file) / s / 1e6, stack.faultSummary());
            stack.awaitConnectionsClosed(DRAIN_NANOS);
            return 0;
        }
    }

    /** Gets an object by root from a peer and writes it to a file. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Fetch an object by its root from a peer.")
    static final class Get implements java.util.concurrent.Callable<Integer> {
        @Mixin
        NodeOptions options;

        @Parameters(index = "0", paramLabel = "ROOT", description = "The object's root hash (64 hex digits).")
        String root;

        @Option(names = "--from", required = true, paramLabel = "PEER", description = "CELLID@HOST:PORT or NAME@HOST:PORT (udp), CELLID@MAC or NAME@MAC (eth)")
        String from;

        @Option(names = "-o", required = true, paramLabel = "FILE", description = "Where to write the object.")
        Path out;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default 300).")
        long timeout = 300;

        @Override
        public Integer call() {
            if (!root.matches("[0-9a-fA-F]{64}")) throw UserError.usage("ROOT must be 64 hex digits, got '" + root + "'");
            if (timeout < 1) throw UserError.usage("--timeout must be at least 1 s");
            Bytes rootHash = Bytes.fromHex(root.toLowerCase(java.util.Locale.ROOT));
            OutputFile.check(out); // before anything is asked of the peer: the file is written as the blocks arrive
            try (Stack<?> stack = options.openStack(false, System.err)) {
                return get(stack, rootHash);
            } catch (java.io.IOException e) {
                throw UserError.failure(out + ": " + e.getMessage());
            } catch (StackException e) {
                throw StackErrors.toUserError(e);
            }
        }

        private <A> int get(Stack<A> stack, Bytes rootHash) throws java.io.IOException {
            MeshNode<A> node = options.mesh(stack);
            PeerAddress peer = PeerAddress.parse(from, stack.book());
            A where = stack.address(peer.where());
            long start = System.nanoTime();
            Path written = overConnection(stack, node, peer, where, "get", p -> p.get(rootHash, out), timeout);
            double s = (System.nanoTime() - start) / 1e9;
            System.err.printf("got %s: %d bytes in %.2f s%s%n", written, Files.size(written), s, stack.faultSummary());
            stack.awaitConnectionsClosed(DRAIN_NANOS);
            return 0;
        }
    }

    /**
     * Runs one put or get on a new connection to {@code peer} and closes the connection (FIN) when it ends, however it
     * ends. On success the caller waits for the close handshake after printing its summary; on a failure or a timeout
     * it is waited for here, before the error ends the process: a get that aborted (a NACK, a bad block) used to exit
     * at once, closing the stack under the FIN, and serve kept the connection, repeating its NACKs to nobody.
     */
    private static <A, T> T overConnection(Stack<A> stack, MeshNode<A> node, PeerAddress peer, A where, String what,
                                           java.util.function.Function<SbiPeer, CompletableFuture<T>> op, long timeout) {
        CompletableFuture<SbiPeer> connected = stack.scheduler().submit(() -> node.connect(peer.cellId(), where));
        CompletableFuture<T> done = connected.thenCompose(p -> op.apply(p).whenComplete((r, e) -> p.close(what + " done")));
        try {
            return await(done, timeout);
        } catch (UserError e) {
            connected.thenAccept(p -> p.close(what + " failed: " + e.getMessage())); // a timeout: the op is still running
            stack.awaitConnectionsClosed(DRAIN_NANOS);
            throw e;
        }
    }

    static <T> T await(CompletableFuture<T> f, long seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw UserError.failure("timed out after " + seconds + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            throw UserError.failure(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserError.failure("interrupted");
        }
    }
}
