package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test: a child JVM ({@link CrashChild}) appends, commits and rolls back at random and
 * reports each acknowledged operation; this test {@code kill -9}s it ({@link
 * ProcessHandle#destroyForcibly()}, SIGKILL) at a random moment, reopens the WAL and checks that
 * every acknowledged append and resolution is there, nothing unacknowledged is reported resolved
 * and no corrupt entry is returned. One directory carries on across all kills. {@code
 * -Dwal.crash.kills=N} (default 200) sets the number of kills, {@code -Dwal.crash.seed=N} the seed;
 * {@code scripts/wal-crash-soak} runs thousands.
 */
@DisplayName("UnifiedWal survives kill -9")
class WalCrashIT {
  private static final int KILLS = Integer.getInteger("wal.crash.kills", 200);
  private static final long SEED = Long.getLong("wal.crash.seed", System.nanoTime());

  private static final Pattern SLOW_TO_LOAD =
      Pattern.compile(
          "logback|junit|assertj|byte-buddy|awaitility|hamcrest|opentest4j|apiguardian|surefire|failsafe");

  @TempDir Path root;
  private final List<Process> children = new ArrayList<>();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    watchdog.shutdownNow();
  }

  @Test
  void shouldKeepEveryAcknowledgedOperationAcrossRandomKills() throws Exception {
    Path dir = root.resolve("wal");
    Path stderr = root.resolve("children.stderr");
    Random rnd = new Random(SEED);
    AckLog log = new AckLog();
    int duringRecovery = 0;
    int total = 0;
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        boolean inRecovery = rnd.nextInt(10) == 0;
        int target = 1 + rnd.nextInt(100);
        Process p = start(dir, stderr, SEED * 1_000_003L + kill);
        ScheduledFuture<?> guard = watchdog.schedule(p::destroyForcibly, 60, TimeUnit.SECONDS);
        LineReader in = new LineReader(p.getInputStream());
        int ops = 0;
        boolean killed = false;
        String line;
        while ((line = in.next()) != null) {
          if (!killed && inRecovery && line.equals("RECOVERING")) {
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of
            // its stdout, losing acknowledgements still in the pipe.
            p.toHandle().destroyForcibly();
            killed = true;
            duringRecovery++;
          }
          ops += apply(log, line);
          if (!killed && ops >= target) {
            p.toHandle().destroyForcibly();
            killed = true;
          }
        }
        p.waitFor();
        guard.cancel(false);
        children.remove(p);
        assertThat(killed)
            .as("child %d exited by itself; its stderr is in %s:%n%s", kill, stderr, tail(stderr))
            .isTrue();
        total += ops;
        try (UnifiedWal wal = UnifiedWal.open(WalConfig.builder(dir).maxPending(100_000).build())) {
          log.verifyAndAdopt(wal);
        }
      }
    } catch (AssertionError | Exception e) {
      throw new AssertionError("crash test failed; rerun with -Dwal.crash.seed=" + SEED, e);
    }
    assertThat(total).isGreaterThan(KILLS);
    assertThat(log.acknowledgedAppends()).isPositive();
    System.out.printf(
        "crash test: %d kills (%d during recovery), %d operations, seed %d%n",
        KILLS, duringRecovery, total, SEED);
  }

  @Test
  void shouldRefuseToOpenADirectoryAnotherProcessHolds() throws Exception {
    Path dir = root.resolve("held");
    Process p = start(dir, root.resolve("held.stderr"), SEED);
    ScheduledFuture<?> guard = watchdog.schedule(p::destroyForcibly, 60, TimeUnit.SECONDS);
    LineReader in = new LineReader(p.getInputStream());
    String line;
    while ((line = in.next()) != null && !line.startsWith("OPEN")) {
      // wait until the child has the WAL open
    }
    assertThat(line).as("child reached OPEN").isNotNull();
    assertThatThrownBy(() -> UnifiedWal.open(dir))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("locked by another process")
        .hasMessageContaining(dir.getFileName().toString());
    p.toHandle().destroyForcibly();
    p.waitFor();
    guard.cancel(false);
    children.remove(p);
    // the lock dies with the process
    try (UnifiedWal wal = UnifiedWal.open(dir)) {
      assertThat(wal.stats().segments()).isPositive();
    }
  }

  /** Applies one protocol line; returns 1 for an acknowledgement. */
  private static int apply(AckLog log, String line) {
    String[] f = line.split(" ");
    switch (f[0]) {
      case "a":
        log.appendIssued(f[1]);
        return 0;
      case "A":
        log.appendAcked(f[2], Long.parseLong(f[1]));
        return 1;
      case "c":
        log.commitIssued(Long.parseLong(f[1]));
        return 0;
      case "C":
        log.commitAcked(Long.parseLong(f[1]));
        return 1;
      case "r":
        log.rollbackIssued(Long.parseLong(f[1]));
        return 0;
      case "R":
        log.rollbackAcked(Long.parseLong(f[1]));
        return 1;
      case "x":
        log.cleanupIssued();
        return 0;
      default:
        return 0; // RECOVERING, OPEN n, X
    }
  }

  private Process start(Path dir, Path stderr, long seed) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-cp",
            childClassPath(),
            CrashChild.class.getName(),
            dir.toString(),
            Long.toString(seed));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /**
   * The test classpath without logging back-ends and test libraries: the child then starts in a
   * fraction of the time (SLF4J falls back to no-op logging), which is what makes 200 kills cheap.
   */
  private static String childClassPath() {
    List<String> keep = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(e).getFileName().toString();
      if (!SLOW_TO_LOAD.matcher(name).find()) {
        keep.add(e);
      }
    }
    return String.join(File.pathSeparator, keep);
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    String s = Files.readString(file);
    return s.substring(Math.max(0, s.length() - 4000));
  }

  /** Reads only complete lines: a line cut by the kill has no newline and is ignored. */
  private static final class LineReader {
    private final InputStream in;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    LineReader(InputStream in) {
      this.in = in;
    }

    String next() throws IOException {
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          String s = buf.toString(StandardCharsets.UTF_8);
          buf.reset();
          return s;
        }
        buf.write(b);
      }
      return null;
    }
  }
}
