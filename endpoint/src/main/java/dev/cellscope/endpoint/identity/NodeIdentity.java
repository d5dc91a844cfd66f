package dev.cellscope.endpoint.identity;

import dev.cellscope.crypto.Identities;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * A node's Ed25519 key pair and the identities derived from its raw 32-byte public key: the
 * UTCP CellID and the Tether ID ({@link Identities}), and the UTCP-SBI peer id (the CellID
 * followed by 16 zero bytes, since HANDSHAKE's peer_id is 32 bytes and a CellID 16).
 *
 * <p>File format (text, one {@code key = value} per line, {@code #} comments):
 * <pre>
 * # cellscope node identity (Ed25519); keep private
 * public-key = &lt;64 hex digits: the raw 32-byte key&gt;
 * private-key = &lt;base64 of the PKCS#8 DER private key&gt;
 * </pre>
 * The file is created with mode 0600 from the start (a temporary file with that mode, then an
 * atomic rename), never chmod-ed afterwards, so the secret is never readable by others even
 * briefly. Loading refuses a file others can read or write, as ssh does.
 */
public final class NodeIdentity {
    public static final int PEER_ID_SIZE = 32;
    private static final String ALGO = "Ed25519";
    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: this fixed 12-byte prefix, then the raw key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final KeyPair keys;
    private final byte[] publicKey;

    private NodeIdentity(KeyPair keys) {
        this.keys = keys;
        byte[] x509 = keys.getPublic().getEncoded();
        if (x509.length != X509_PREFIX.length + 32 || !Arrays.equals(x509, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        this.publicKey = Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
    }

    public static NodeIdentity generate() {
        try {
            return new NodeIdentity(KeyPairGenerator.getInstance(ALGO).generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** Loads {@code file}, or generates an identity and saves it there when the file does not exist. */
    public static NodeIdentity loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) return load(file);
        NodeIdentity id = generate();
        id.save(file);
        return id;
    }

    /** The raw 32-byte Ed25519 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] cellId() {
        return Identities.cellId(publicKey);
    }

    public String cellIdText() {
        return Identities.formatCellId(cellId());
    }

    public long tetherId() {
        return Identities.tetherId(publicKey);
    }

    public String tetherIdText() {
        return Identities.formatTetherId(tetherId());
    }

    /** HANDSHAKE peer_id: the 16-byte CellID padded with 16 zero bytes. */
    public Bytes peerId() {
        return Bytes.of(Arrays.copyOf(cellId(), PEER_ID_SIZE));
    }

    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGO);
            s.initSign(keys.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGO);
            s.initVerify(publicFromRaw(rawPublicKey));
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Writes the identity to a new file with mode 0600 (on POSIX file systems).
     *
     * @throws FileAlreadyExistsException rather than replace a key (that would change the node's identity)
     */
    public void save(Path file) throws IOException {
        if (Files.exists(file)) throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a node identity");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, ".identity-", ".part", attrs);
        try {
            String text = "# cellscope node identity (Ed25519); keep private\n"
                    + "# cell-id = " + cellIdText() + ", tether-id = " + tetherIdText() + "\n"
                    + "public-key = " + HexFormat.of().formatHex(publicKey) + "\n"
                    + "private-key = " + Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n";
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads an identity file written by {@link #save}; the key pair is checked to belong together. */
    public static NodeIdentity load(Path file) throws IOException {
        // A directory has permissions too (rwx), which would be reported as a permissions problem.
        if (Files.isDirectory(file)) throw new IOException(file + " is a directory, not an identity file");
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new IOException(file + ": permissions " + PosixFilePermissions.toString(perms)
                        + " let others read or write the private key; run chmod 600 " + file);
            }
        }
        String pub = null, priv = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            int eq = s.indexOf('=');
            if (eq < 0) throw new IOException(file + ":" + lineNo + ": expected 'key = value'");
            String key = s.substring(0, eq).strip(), value = s.substring(eq + 1).strip();
            switch (key) {
                case "public-key" -> pub = value;
                case "private-key" -> priv = value;
                default -> throw new IOException(file + ":" + lineNo + ": unknown key '" + key + "'");
            }
        }
        if (pub == null || priv == null) throw new IOException(file + ": needs both public-key and private-key");
        try {
            PublicKey publicKey = publicFromRaw(HexFormat.of().parseHex(pub));
            PrivateKey privateKey = KeyFactory.getInstance(ALGO).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv)));
            NodeIdentity id = new NodeIdentity(new KeyPair(publicKey, privateKey));
            byte[] probe = "cellscope identity check".getBytes(StandardCharsets.US_ASCII);
            if (!verify(id.publicKey, probe, id.sign(probe))) throw new IOException(file + ": public-key does not match private-key");
            return id;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not a valid Ed25519 identity: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicFromRaw(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) throw new GeneralSecurityException("public-key must be 32 bytes, got " + raw.length);
        byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(raw, 0, x509, X509_PREFIX.length, 32);
        return KeyFactory.getInstance(ALGO).generatePublic(new X509EncodedKeySpec(x509));
    }

    @Override
    public String toString() {
        return "NodeIdentity[cell-id " + cellIdText() + ", tether-id " + tetherIdText() + "]";
    }
}
