package dev.cellscope.endpoint.identity;

import dev.cellscope.crypto.Identities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NodeIdentityTest {
    @TempDir Path dir;

    @Test
    void savedWithMode0600AndLoadedBack() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
        NodeIdentity id = NodeIdentity.generate();
        Path file = dir.resolve("keys").resolve("node.key");
        id.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count()); // no temporary file left
        }
        NodeIdentity back = NodeIdentity.load(file);
        assertArrayEquals(id.publicKey(), back.publicKey());
        byte[] sig = back.sign(new byte[] {1, 2, 3});
        assertTrue(NodeIdentity.verify(id.publicKey(), new byte[] {1, 2, 3}, sig));
        assertThrows(FileAlreadyExistsException.class, () -> NodeIdentity.generate().save(file));
    }

    @Test
    void identitiesDeriveFromTheRawPublicKey() {
        NodeIdentity id = NodeIdentity.generate();
        assertEquals(32, id.publicKey().length);
        assertArrayEquals(Identities.cellId(id.publicKey()), id.cellId());
        assertEquals(Identities.tetherId(id.publicKey()), id.tetherId());
        assertEquals(Identities.formatCellId(id.cellId()), id.cellIdText());
        byte[] peerId = id.peerId().toArray();
        assertArrayEquals(id.cellId(), Arrays.copyOf(peerId, 16));
        assertArrayEquals(new byte[16], Arrays.copyOfRange(peerId, 16, 32));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
        Path file = dir.resolve("node.key");
        NodeIdentity.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> NodeIdentity.load(file));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void mismatchedKeysAreRefused() throws Exception {
        Path a = dir.resolve("a.key"), b = dir.resolve("b.key");
        NodeIdentity.generate().save(a);
        NodeIdentity.generate().save(b);
        String pubB = Files.readAllLines(b).stream().filter(l -> l.startsWith("public-key")).findFirst().orElseThrow();
        Path mixed = dir.resolve("mixed.key");
        Files.createFile(mixed, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(mixed, Files.readAllLines(a).stream().map(l -> l.startsWith("public-key") ? pubB : l).toList());
        IOException e = assertThrows(IOException.class, () -> NodeIdentity.load(mixed));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertEquals(NodeIdentity.loadOrCreate(a).cellIdText(), NodeIdentity.load(a).cellIdText());
    }
}
