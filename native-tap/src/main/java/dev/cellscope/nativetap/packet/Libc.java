package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc functions {@link PacketSocket}, {@link TpacketV3Ring} and {@link UdpSocket} call, bound once through FFM from the default lookup.
 * Every call that can fail captures {@code errno} into a caller-supplied segment
 * ({@link #newErrno}): reading errno after the call from Java would see whatever the JVM did in
 * between. Static final handles, so the JIT can inline them.
 *
 * <p>None is a critical call: {@code poll} blocks, and the others are cheap next to a syscall.
 */
final class Libc {
    private Libc() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout SIZE_T = LINKER.canonicalLayouts().get("size_t");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option SAVE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // ioctl is variadic: the third argument must be passed as a variadic pointer
    private static final MethodHandle IOCTL = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = bind("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT, ADDRESS, ADDRESS));
    // the UDP socket (UdpSocket): batches with UDP_SEGMENT / UDP_GRO ride in msghdr control data
    private static final MethodHandle SENDMSG = bind("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, SIZE_T));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // the TPACKET_V3 ring (TpacketV3Ring)
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, SIZE_T, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, SIZE_T));
    private static final MethodHandle GETPAGESIZE = bind("getpagesize", FunctionDescriptor.of(JAVA_INT));

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; tests and launcher grant native access
    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        MemorySegment fn = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = SAVE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(fn, fd, options);
    }

    /** A segment to receive errno; one per thread of calls (the socket keeps one per lock). */
    static MemorySegment newErrno(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** errno as the last call through {@code state} left it. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int socket(MemorySegment e, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(e, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int bind(MemorySegment e, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int setsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ifNameToIndex(MemorySegment e, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(e, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ioctl(MemorySegment e, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(e, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long sendto(MemorySegment e, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(e, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long recvfrom(MemorySegment e, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        try {
            return (long) RECVFROM.invokeExact(e, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long sendmsg(MemorySegment e, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) SENDMSG.invokeExact(e, fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long recvmsg(MemorySegment e, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(e, fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int getsockname(MemorySegment e, int fd, MemorySegment addr, MemorySegment addrLen) {
        try {
            return (int) GETSOCKNAME.invokeExact(e, fd, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int shutdown(MemorySegment e, int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(e, fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int poll(MemorySegment e, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(e, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int eventfd(MemorySegment e, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(e, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long write(MemorySegment e, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(e, fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(MemorySegment e, int fd) {
        try {
            return (int) CLOSE.invokeExact(e, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int getsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** mmap; returns MAP_FAILED (address -1) on failure, as C does. */
    static MemorySegment mmap(MemorySegment e, MemorySegment addr, long len, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(e, addr, len, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int munmap(MemorySegment e, MemorySegment addr, long len) {
        try {
            return (int) MUNMAP.invokeExact(e, addr, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long read(MemorySegment e, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(e, fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int pageSize() {
        try (Arena a = Arena.ofConfined()) {
            return (int) GETPAGESIZE.invokeExact(newErrno(a));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // a downcall only throws on a binding mistake (wrong types), never because the C call failed
    private static IllegalStateException unexpected(Throwable t) {
        return new IllegalStateException("FFM downcall failed: " + t, t);
    }
}
