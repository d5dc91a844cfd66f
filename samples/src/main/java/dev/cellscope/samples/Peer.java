package dev.cellscope.samples;

import dev.cellscope.crypto.Identities;

import java.util.HexFormat;

/** A node of a synthetic capture: its public key, and the identities derived from it. */
record Peer(String name, byte[] publicKey, byte[] cellId, long tetherId, long mac) {

    /** A peer from a fixed 32-byte Ed25519 public key (hex), so captures are reproducible. */
    static Peer of(String name, String publicKeyHex, long mac) {
        byte[] key = HexFormat.of().parseHex(publicKeyHex);
        return new Peer(name, key, Identities.cellId(key), Identities.tetherId(key), mac);
    }

    /** Raw Tether frames carry the identity as the Ethernet address. */
    static Peer tetherNode(String name, String publicKeyHex) {
        byte[] key = HexFormat.of().parseHex(publicKeyHex);
        long id = Identities.tetherId(key);
        return new Peer(name, key, Identities.cellId(key), id, id);
    }
}
