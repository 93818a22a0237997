package io.aethercore.support.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "group-commit-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void itemsQueuedDuringACommitFormTheNextBatchInOrder() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        GroupCommit<Integer> gc = GroupCommit.start("t", new GroupCommit.Options(Duration.ZERO, 0, 0, 0), b -> {
            batches.add(List.copyOf(b));
            firstStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, GroupCommitTest::start);
        assertTrue(gc.offer(0, false));
        assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            assertTrue(gc.put(i));
        }
        release.countDown();
        gc.close(Duration.ofSeconds(5));
        assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4, 5)), batches);
        assertFalse(gc.offer(6, false), "closed: nothing accepted");
    }

    @Test
    void maxBatchAndCapacityBoundTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        GroupCommit<Integer> gc = GroupCommit.start("t", new GroupCommit.Options(Duration.ZERO, 2, 3, 0), b -> {
            sizes.add(b.size());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, GroupCommitTest::start);
        assertTrue(gc.put(1));
        // the committer holds one batch; three more fill the queue, a fourth does not fit
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sizes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(gc.offer(2, false) && gc.offer(3, false) && gc.offer(4, false));
        assertFalse(gc.offer(5, false), "at capacity");
        release.countDown();
        gc.close(Duration.ofSeconds(5));
        assertEquals(List.of(1, 2, 1), sizes);
    }

    @Test
    void aWindowGathersItemsUnlessOneIsUrgent() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        GroupCommit<Integer> gc = GroupCommit.start("t", new GroupCommit.Options(Duration.ofMillis(300), 0, 0, 0), b -> {
            batches.add(List.copyOf(b));
            two.countDown();
        }, GroupCommitTest::start);
        gc.offer(1, false);
        gc.offer(2, false);
        gc.offer(3, true); // starts the batch at once
        long t0 = System.nanoTime();
        while (batches.isEmpty() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(1);
        }
        assertEquals(List.of(1, 2, 3), batches.get(0));
        gc.poke(); // work without an item: an empty batch within the window
        assertTrue(two.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(), batches.get(1));
        gc.close();
    }

    @Test
    void takeWhileHandsOverWhatACommitCovered() {
        List<Integer> taken = new ArrayList<>();
        GroupCommit<Integer> gc = GroupCommit.start("t", new GroupCommit.Options(Duration.ZERO, 0, 4, 0), b -> { },
                r -> null); // no committer thread: the queue only
        gc.offer(1, false);
        gc.offer(2, false);
        gc.offer(7, false);
        taken.addAll(gc.takeWhile(i -> i < 5));
        assertEquals(List.of(1, 2), taken);
        assertTrue(gc.offer(3, false) && gc.offer(4, false), "room given back");
        assertEquals(List.of(7, 3, 4), gc.takeWhile(i -> true));
    }
}
