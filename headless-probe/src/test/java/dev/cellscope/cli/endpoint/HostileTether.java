package dev.cellscope.cli.endpoint;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One hostile-peer run against {@code tether-recv} over UDP loopback (issue 12). The attacker is
 * this JVM: a socket sending what a {@link Flood} writes (with {@link RawTether}, from PROTOCOLS.md)
 * at {@link #RATE} datagrams per second, and counting what the receiver sends back to it. Meanwhile:
 * <ol>
 * <li>a legitimate {@code tether-send --lamp} of {@link #CONTENT} bytes to the flooded receiver must be
 * confirmed and arrive byte-identical;</li>
 * <li>a second receiver, flooded the same way, must end within {@link #TERM_MILLIS} of SIGTERM;</li>
 * <li>both receivers' RSS, sampled every 50 ms from /proc, stays under the caller's bound, and
 * neither prints a stack trace.</li>
 * </ol>
 */
final class HostileTether {
    /** The attack's pace: 20,000 datagrams a second, a flood a receiver must outlast (and about what one core here sends with two JVMs running). */
    static final int RATE = 20_000;
    static final int CONTENT = 1024 * 1024 + 77;
    static final long TERM_MILLIS = 2_000;

    /** Writes the {@code n}-th hostile datagram for the receiver {@code target}. */
    interface Flood {
        byte[] next(long n, long target, Random random);
    }

    /** What the attacker saw and the receivers did. */
    record Outcome(long datagramsSent, long framesBack, long grantBytesOnDataFlows, long maxRssBytes, long termMillis,
                   String recvOut, String recvErr) {
    }

    private HostileTether() {
    }

    static Outcome run(Path dir, Flood flood, long rssBound) throws Exception {
        int port = TetherCliTest.freeUdpPort(), port2 = TetherCliTest.freeUdpPort();
        Path content = dir.resolve("in.bin"), got = dir.resolve("got.bin");
        byte[] bytes = new byte[CONTENT];
        new Random(12).nextBytes(bytes);
        Files.write(content, bytes);
        String rkey = dir.resolve("r.key").toString(), skey = dir.resolve("s.key").toString();
        try (Child recv = receiver(dir, "recv", got, rkey, port);
             Attacker attacker = new Attacker(flood)) {
            long rid = RawTether.parseId(recv.await("tether (ac:1d(?::[0-9a-f]{2}){4})\\)? on udp .*waiting for a flow", 30));
            attacker.aim(port, rid);
            RssWatch rss = new RssWatch(recv, rssBound);
            Thread.sleep(2000); // the flood is under way before the legitimate sender starts
            long sendStart = System.nanoTime();
            try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", skey, "--lamp",
                    "--to", RawTether.formatId(rid) + "@127.0.0.1:" + port, "--timeout", "60")) {
                assertEquals(0, send.finish(75), "legitimate sender under the flood (receiver's RSS reached " + rss.max / (1 << 20) + " MiB, bound "
                        + rssBound / (1 << 20) + ")\n" + send.tail() + recv.tail());
                assertTrue(send.out().contains(": CONFIRMED, " + CONTENT + " bytes"), send.out());
            }
            assertEquals(0, recv.finish(30), "receiver RSS max " + rss.max / (1 << 20) + " MiB\n" + recv.tail());
            long sendMillis = (System.nanoTime() - sendStart) / 1_000_000;
            assertEquals(-1, Files.mismatch(content, got), "received file differs");
            rss.stop();
            String out = recv.out(), err = recv.err();

            // A second receiver under the same flood, stopped by SIGTERM.
            try (Child recv2 = receiver(dir, "recv2", dir.resolve("got2.bin"), rkey, port2)) {
                recv2.await("waiting for a flow", 30);
                attacker.aim(port2, rid);
                RssWatch rss2 = new RssWatch(recv2, rssBound);
                Thread.sleep(3000);
                long t0 = System.nanoTime();
                recv2.signal("TERM");
                boolean ended = recv2.waitMillis(10_000);
                long termMillis = (System.nanoTime() - t0) / 1_000_000;
                rss2.stop();
                assertTrue(rss2.max <= rssBound, "second receiver's RSS reached " + rss2.max / (1 << 20) + " MiB\n" + recv2.tail());
                assertTrue(ended && termMillis <= TERM_MILLIS, "SIGTERM under the flood took " + termMillis + " ms\n" + recv2.tail());
                for (Child c : List.of(recv, recv2)) {
                    assertFalse(c.err().contains("\tat ") || c.err().contains("Exception in thread"), "a stack trace:\n" + c.tail());
                }
                System.out.printf("hostile run: %d datagrams sent, %d frames back (%d grant bytes on data flows), legitimate send %d ms, "
                                + "max RSS %d MiB and %d MiB, SIGTERM %d ms%n", attacker.sent.get(), attacker.back.get(), attacker.dataGrants.get(),
                        sendMillis, rss.max / (1 << 20), rss2.max / (1 << 20), termMillis);
                return new Outcome(attacker.sent.get(), attacker.back.get(), attacker.dataGrants.get(), Math.max(rss.max, rss2.max),
                        termMillis, out, err);
            }
        }
    }

    private static Child receiver(Path dir, String name, Path out, String key, int port) throws IOException {
        return Child.start(dir, name, List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", key,
                "--listen", "127.0.0.1:" + port, "--timeout", "90");
    }

    /** The hostile socket: paced sends on one thread, counting replies on another. */
    private static final class Attacker implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        final AtomicLong sent = new AtomicLong(), back = new AtomicLong(), dataGrants = new AtomicLong();
        final Flood flood;
        volatile InetSocketAddress target;
        volatile long targetId;
        volatile boolean stop;
        final Thread sender, reader;

        Attacker(Flood flood) throws SocketException {
            this.flood = flood;
            socket.setSendBufferSize(1 << 20);
            sender = Thread.ofPlatform().daemon().name("attacker-send").start(this::sendLoop);
            reader = Thread.ofPlatform().daemon().name("attacker-read").start(this::readLoop);
        }

        void aim(int port, long id) {
            targetId = id;
            target = new InetSocketAddress("127.0.0.1", port);
        }

        private void sendLoop() {
            Random random = new Random(7);
            long start = System.nanoTime(), n = 0;
            while (!stop) {
                InetSocketAddress to = target;
                long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
                if (to == null || n >= due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                    if (to == null) start = System.nanoTime();
                    continue;
                }
                byte[] d = flood.next(n++, targetId, random);
                try {
                    socket.send(new DatagramPacket(d, d.length, to));
                    sent.incrementAndGet();
                } catch (IOException e) {
                    if (socket.isClosed()) return;
                }
            }
        }

        private void readLoop() {
            byte[] buf = new byte[65_536];
            while (!stop) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (IOException e) {
                    if (socket.isClosed()) return;
                    continue; // ICMP port unreachable between the two receivers
                }
                back.incrementAndGet();
                byte[] f = java.util.Arrays.copyOf(buf, p.getLength());
                if (f.length >= 64 && RawTether.flow(f) != 0) dataGrants.addAndGet(RawTether.grant(f));
            }
        }

        @Override
        public void close() {
            stop = true;
            socket.close();
        }
    }

    /** Samples a child's resident set from /proc every 50 ms; fails the run as soon as it passes the bound. */
    private static final class RssWatch {
        volatile long max;
        volatile boolean stop;
        private final Thread thread;

        RssWatch(Child child, long bound) {
            thread = Thread.ofPlatform().daemon().name("rss").start(() -> {
                Path status = Path.of("/proc", Long.toString(child.pid()), "status");
                while (!stop && child.alive()) {
                    try {
                        for (String line : Files.readAllLines(status)) {
                            if (line.startsWith("VmRSS:")) max = Math.max(max, Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                        }
                    } catch (IOException | RuntimeException e) {
                        return; // the process ended
                    }
                    if (max > bound) child.close(); // over the bound: stop it, the run fails on its exit code
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(1000);
        }
    }
}
