package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link CrashTest}: records from four synchronous writers and one pipelining
 * writer until it is killed, printing {@code ack <index> <event id>} for every receipt it got.
 */
public final class CrashWriter {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String tag = args[1];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        AuditFixture f = new AuditFixture(dir, 64 << 10);
        synchronized (out) {
            out.println("open " + f.engine.size());
            out.flush();
        }
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (int i = 0; ; i++) {
                    try {
                        AuditReceipt r = f.engine.record(AuditEvent.of("writer-" + thread, "Crash", tag + "-" + i));
                        synchronized (out) {
                            out.println("ack " + r.leafIndex() + " " + r.eventId());
                            out.flush();
                        }
                    } catch (Exception e) {
                        synchronized (out) {
                            out.println("error " + e);
                            out.flush();
                        }
                        return;
                    }
                }
            });
            w.start();
        }
        Thread pipelined = new Thread(() -> {
            for (int i = 0; ; i++) {
                CompletableFuture<AuditReceipt>[] window = new CompletableFuture[32];
                for (int j = 0; j < window.length; j++) {
                    window[j] = f.engine.recordAsync(AuditEvent.of("pipelined", "Crash", tag + "-p" + i + "-" + j));
                }
                for (CompletableFuture<AuditReceipt> c : window) {
                    AuditReceipt r = c.join();
                    synchronized (out) {
                        out.println("ack " + r.leafIndex() + " " + r.eventId());
                    }
                }
                synchronized (out) {
                    out.flush();
                }
            }
        });
        pipelined.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
