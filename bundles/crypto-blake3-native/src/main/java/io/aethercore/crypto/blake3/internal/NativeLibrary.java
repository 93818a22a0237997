package io.aethercore.crypto.blake3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Locale;
import org.alephium.blake3jni.Blake3Jni;

/**
 * Loads the BLAKE3 C library shipped in this bundle, once per class loader, and checks it with a
 * known answer before anything uses it.
 *
 * <p>The library is copied from the bundle into a fresh private temporary directory, loaded with
 * {@link System#load} and the copy deleted (the mapping stays). A fresh path per class loader lets an
 * updated bundle load its own copy while the old revision still holds the previous one, which the JVM
 * forbids for one path.
 */
final class NativeLibrary {

    /** BLAKE3 of the empty input, from the BLAKE3 test vectors: the load-time known-answer check. */
    private static final String EMPTY_DIGEST = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

    /** Why the library is not usable, or {@code null} when it is. Computed once. */
    private static final String UNAVAILABLE_REASON = load();

    static boolean available() {
        return UNAVAILABLE_REASON == null;
    }

    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /**
     * The bundled library for this platform, or why there is none: {@code [resource, null]} or
     * {@code [null, reason]}.
     */
    static String[] libraryFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (!os.contains("linux") && !os.contains("mac")) {
            return new String[] {null, "the bundled BLAKE3 library is built for Linux and macOS only, and this is " + osName};
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return new String[] {null, "the bundled BLAKE3 library is built for x86-64 only, and this CPU is " + osArch};
        }
        return new String[] {os.contains("linux") ? "libblake3.so" : "libblake3.dylib", null};
    }

    private static String load() {
        String[] lib = libraryFor(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
        if (lib[0] == null) {
            return lib[1];
        }
        String resource = lib[0];
        Path dir = null;
        Path file = null;
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return resource + " is missing from the bundle";
            }
            dir = Files.createTempDirectory("aethercore-blake3-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            file = dir.resolve(resource);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot unpack " + resource + " into a temporary directory (" + e.getMessage() + ")";
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return "the operating system refused to load " + resource + " (" + e.getMessage() + ")";
        } finally {
            deleteQuietly(file);
            deleteQuietly(dir);
        }
        try {
            long h = Blake3Jni.allocate_hasher();
            if (h == 0) {
                return "the BLAKE3 library could not allocate memory";
            }
            try {
                Blake3Jni.blake3_hasher_init(h);
                byte[] out = new byte[32];
                Blake3Jni.blake3_hasher_finalize(h, out, 32);
                if (!HexFormat.of().formatHex(out).equals(EMPTY_DIGEST)) {
                    return "the BLAKE3 library computes wrong digests (known-answer check failed)";
                }
            } finally {
                Blake3Jni.delete_hasher(h);
            }
        } catch (UnsatisfiedLinkError e) {
            return "the BLAKE3 library lacks the expected JNI functions (" + e.getMessage() + ")";
        }
        return null;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover file in a private temporary directory; harmless
            }
        }
    }

    private NativeLibrary() {}
}
