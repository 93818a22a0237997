package io.aethercore.crypto.blake3.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {

    @Test
    void picksTheBundledLibraryOnX86() {
        assertEquals("libblake3.so", NativeLibrary.libraryFor("Linux", "amd64")[0]);
        assertEquals("libblake3.dylib", NativeLibrary.libraryFor("Mac OS X", "x86_64")[0]);
    }

    @Test
    void explainsInPlainWordsWhereItCannotRun() {
        String[] arm = NativeLibrary.libraryFor("Linux", "aarch64");
        assertNull(arm[0]);
        assertTrue(arm[1].contains("x86-64 only") && arm[1].contains("aarch64"), arm[1]);
        String[] windows = NativeLibrary.libraryFor("Windows 11", "amd64");
        assertNull(windows[0]);
        assertTrue(windows[1].contains("Linux and macOS only") && windows[1].contains("Windows 11"), windows[1]);
    }

    @Test
    void loadsAndPassesItsKnownAnswerCheckHere() {
        // CI and development machines are x86-64 Linux: the provider must be available there
        assertNull(NativeBlake3Hashing.unavailableReason());
        assertTrue(NativeLibrary.available());
    }
}
