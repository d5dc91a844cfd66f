package dev.cellscope.nativetap.process;

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

/**
 * Drops root for another user, as {@code tcpdump -Z} does once its capture sockets are open:
 * supplementary groups ({@code initgroups}), then the group ({@code setgid}), then the user
 * ({@code setuid}), in that order (a process that gave up its uid can no longer change its
 * groups). glibc applies each change to every thread of the process, so the JVM's threads all run
 * as the user afterwards. Leaving uid 0 clears every capability (no {@code PR_SET_KEEPCAPS}): the
 * sockets opened before stay usable, nothing new can be opened with privilege.
 *
 * <p>Through FFM on libc; errno is captured by each call.
 */
public final class UserSwitch {
    private UserSwitch() {}

    /** The user switched to. */
    public record User(String name, int uid, int gid) {}

    /** A switch that could not be made; the message says why in one line. */
    public static final class SwitchException extends Exception {
        public SwitchException(String message) {
            super(message);
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option SAVE_ERRNO = Linker.Option.captureCallState("errno");

    // struct passwd (glibc, LP64): pw_name, pw_passwd, then uid_t pw_uid and gid_t pw_gid at 16 and 20.
    private static final long PW_UID = 16, PW_GID = 20, PASSWD_SIZE = 48;

    private static final MethodHandle GETPWNAM = bind("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle INITGROUPS = bind("initgroups", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETGID = bind("setgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETUID = bind("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETUID = bind("getuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(JAVA_INT));

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; the launcher grants native access
    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment fn = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(fn, fd, SAVE_ERRNO);
    }

    /** Looks {@code name} up in the user database (or takes a numeric uid with its primary group). */
    public static User lookup(String name) throws SwitchException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = arena.allocate(CAPTURE);
            MemorySegment pw = (MemorySegment) GETPWNAM.invokeExact(e, arena.allocateFrom(name));
            if (pw.equals(MemorySegment.NULL)) throw new SwitchException("no such user '" + name + "'");
            MemorySegment p = pw.reinterpret(PASSWD_SIZE);
            return new User(name, p.get(JAVA_INT, PW_UID), p.get(JAVA_INT, PW_GID));
        } catch (SwitchException ex) {
            throw ex;
        } catch (Throwable t) {
            throw new IllegalStateException("getpwnam failed: " + t, t);
        }
    }

    /** Becomes {@code user} for good: groups, group, user; then checks that root cannot be regained. */
    public static User to(String name) throws SwitchException {
        User user = lookup(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = arena.allocate(CAPTURE);
            if ((int) INITGROUPS.invokeExact(e, arena.allocateFrom(name), user.gid()) != 0) fail("initgroups", e, user);
            if ((int) SETGID.invokeExact(e, user.gid()) != 0) fail("setgid", e, user);
            if ((int) SETUID.invokeExact(e, user.uid()) != 0) fail("setuid", e, user);
            if (user.uid() != 0) {
                // A setuid that left a way back (saved uid 0) would be no drop at all.
                int back = (int) SETUID.invokeExact(e, 0);
                if (back == 0) throw new SwitchException("switched to " + name + " but could become root again; refusing to run");
            }
            int uid = (int) GETUID.invokeExact(e), euid = (int) GETEUID.invokeExact(e);
            if (uid != user.uid() || euid != user.uid()) {
                throw new SwitchException("switched to " + name + " but uid is " + uid + " and euid " + euid);
            }
            return user;
        } catch (SwitchException ex) {
            throw ex;
        } catch (Throwable t) {
            throw new IllegalStateException("changing user failed: " + t, t);
        }
    }

    private static void fail(String call, MemorySegment e, User user) throws SwitchException {
        int errno = (int) ERRNO.get(e, 0L);
        String why = errno == 1 ? "operation not permitted (only root can change user; run as root, or start as the user with"
                + " capabilities, e.g. systemd's User= and AmbientCapabilities=)" : "errno " + errno;
        throw new SwitchException("cannot become " + user.name() + " (uid " + Integer.toUnsignedString(user.uid()) + "): " + call + ": " + why);
    }

    /** The process's real uid. */
    public static int uid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETUID.invokeExact(arena.allocate(CAPTURE));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
