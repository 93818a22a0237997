package io.aethercore.support.service;

import io.aethercore.api.crypto.ProviderUnavailableException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A lock and a condition: state changes under the lock wake callers waiting a bounded time for a service. */
final class BoundedWait {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Runs a state change under the lock and wakes the waiters. */
    void change(Runnable mutation) {
        lock.lock();
        try {
            mutation.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code probe}'s first non-null answer, waiting up to {@code patience}.
     *
     * @throws ProviderUnavailableException naming {@code what} when none comes, or on interrupt (flag kept)
     */
    <T> T await(Supplier<T> probe, Duration patience, String what) throws ProviderUnavailableException {
        T s = probe.get();
        if (s != null) {
            return s;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            while ((s = probe.get()) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProviderUnavailableException("no " + what + " is available (waited "
                            + patience.toMillis() + " ms); install or start one, then retry");
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while waiting for a " + what);
        } finally {
            lock.unlock();
        }
    }
}
