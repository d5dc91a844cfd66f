package dev.cellscope.nativetap;

import dev.cellscope.crypto.Blake3;

import java.util.HexFormat;

/** Run in a child JVM by the tests: prints the engine the facade chose and a hash from it. */
public final class FacadeProbe {
    private FacadeProbe() {}

    public static void main(String[] args) {
        System.out.println(Blake3.engine().getClass().getName());
        System.out.println(HexFormat.of().formatHex(Blake3.hash(new byte[0])));
    }
}
