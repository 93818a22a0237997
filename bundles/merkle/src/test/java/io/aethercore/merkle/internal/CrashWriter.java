package io.aethercore.merkle.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.Durability;
import io.aethercore.crypto.internal.BcHashing;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The victim of {@link CrashTest}: appends to a file-backed log from {@value #THREADS} threads until
 * it is killed, printing {@code ack <index> <entry>} once each append has returned (never before).
 *
 * <p>Arguments: log directory, durability ({@code SYNC} or {@code GROUP}), run tag. Entries are
 * {@code <tag>-thread-<t>-seq-<k>}: distinct within a run, and across runs with distinct tags.
 */
public final class CrashWriter {

    static final int THREADS = 4;
    static final String NAME = "crash";

    private CrashWriter() {}

    static VineLog.Settings settings(Path dir, Durability durability) {
        return new VineLog.Settings(NAME, "crash.test.aethercore/log", HashAlgorithm.SHA_256, dir, durability, 2, 1 << 16);
    }

    static String entry(String tag, int thread, long seq) {
        return tag + "-thread-" + thread + "-seq-" + seq;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        String tag = args[2];
        BcHashing hashing = new BcHashing();
        VineLog log = VineLog.open(settings(dir, durability), () -> hashing);
        // one write system call per line: the buffer is flushed whole, under the stream's lock
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        synchronized (out) {
            out.print("open " + log.size() + "\n");
            out.flush();
        }
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    for (long k = 0; ; k++) {
                        String e = entry(tag, thread, k);
                        long index = log.append(e.getBytes(StandardCharsets.UTF_8));
                        synchronized (out) {
                            out.print("ack " + index + " " + e + "\n");
                            out.flush();
                        }
                    }
                } catch (Throwable e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            }, "writer-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
