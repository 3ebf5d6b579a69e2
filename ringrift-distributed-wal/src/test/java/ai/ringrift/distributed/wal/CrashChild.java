package ai.ringrift.distributed.wal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The process {@link WalCrashIT} kills: opens the WAL, then appends, commits, rolls back and cleans
 * up at random from several threads until killed, printing one line per operation on stdout: before
 * issuing it ({@code a payload}, {@code c id}, {@code r id}, {@code x}) and once acknowledged
 * ({@code A id payload}, {@code C id}, {@code R id}, {@code X}). Logging goes to stderr so stdout
 * carries only these lines.
 */
public final class CrashChild {
  /**
   * Makes the printed order of cleanups and resolutions their order in the WAL's queue: a cleanup
   * drops exactly the resolutions enqueued before it, and the parent judges by the printed order.
   */
  private static final ReentrantReadWriteLock ORDER = new ReentrantReadWriteLock();

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(
            new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8.name());
    System.setOut(System.err);
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int threads = 4;
    out.println("RECOVERING");
    UnifiedWal wal =
        UnifiedWal.open(WalConfig.builder(dir).segmentSize(64 * 1024).maxPending(100_000).build());
    List<Long> pending = new ArrayList<>();
    for (WalEntry e : wal.pendingEntries()) {
      pending.add(e.id());
    }
    out.println("OPEN " + pending.size());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int tid = t;
      Thread th =
          new Thread(
              () -> work(wal, out, pending, new Random(seed * 31 + tid), "s" + seed + "-t" + tid));
      th.start();
      workers.add(th);
    }
    for (Thread th : workers) {
      th.join();
    }
  }

  private static void work(
      UnifiedWal wal, PrintStream out, List<Long> pending, Random rnd, String prefix) {
    for (long n = 0; ; n++) {
      if (out.checkError()) {
        System.exit(3); // the parent is gone
      }
      int r = rnd.nextInt(100);
      Long id = null;
      synchronized (pending) {
        if (r >= 50 && !pending.isEmpty()) {
          id = pending.remove(rnd.nextInt(pending.size()));
        }
      }
      if (id == null && r >= 98) {
        CompletableFuture<CleanupResult> f;
        ORDER.writeLock().lock();
        try {
          out.println("x");
          f = wal.cleanup(Duration.ZERO);
        } finally {
          ORDER.writeLock().unlock();
        }
        f.join();
        out.println("X");
      } else if (id == null) {
        String payload = prefix + "-" + n;
        out.println("a " + payload);
        long got =
            wal.append(WalEntryType.GAME_RECORDED, payload.getBytes(StandardCharsets.UTF_8)).join();
        out.println("A " + got + " " + payload);
        synchronized (pending) {
          pending.add(got);
        }
      } else {
        boolean commit = r < 85;
        CompletableFuture<Void> f;
        ORDER.readLock().lock();
        try {
          out.println((commit ? "c " : "r ") + id);
          f = commit ? wal.commit(id) : wal.rollback(id);
        } finally {
          ORDER.readLock().unlock();
        }
        f.join();
        out.println((commit ? "C " : "R ") + id);
      }
    }
  }
}
