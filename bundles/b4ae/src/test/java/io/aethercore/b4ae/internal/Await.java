package io.aethercore.b4ae.internal;

import java.util.function.BooleanSupplier;

final class Await {
    private Await() {}

    static boolean until(BooleanSupplier c, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return c.getAsBoolean();
    }
}
