package ai.ringrift.distributed.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
    "a writer killed with kill -9 mid-install leaves the old file or the new one, never a mix")
class AtomicInstallCrashIT {
  private static final long SIZE = 24L << 20;

  @TempDir Path tmp;

  private Process start(Path target, int seed, long mark, String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            AtomicInstallChild.class.getName(),
            target.toString(),
            Long.toString(SIZE),
            Integer.toString(seed),
            Long.toString(mark),
            mode);
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /** Waits for the child's MARK (or DONE) line; returns the lines read. */
  private static List<String> awaitMark(Process p) throws Exception {
    List<String> lines = new ArrayList<>();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      lines.add(line);
      if (line.startsWith("MARK") || line.equals("DONE")) {
        return lines;
      }
    }
    throw new AssertionError("child ended without a MARK line: " + lines);
  }

  private static String patternSha(int seed) {
    try (InputStream in =
        new InputStream() {
          long pos;

          @Override
          public int read() {
            return pos >= SIZE ? -1 : AtomicInstallChild.at(pos++, seed) & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos >= SIZE) {
              return -1;
            }
            int n = (int) Math.min(len, SIZE - pos);
            for (int i = 0; i < n; i++) {
              b[off + i] = AtomicInstallChild.at(pos + i, seed);
            }
            pos += n;
            return n;
          }
        }) {
      Path f = Files.createTempFile("pattern", ".bin");
      try {
        Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return AtomicFiles.sha256(f);
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("kills at random points and mid-write: the target is always whole")
  void shouldNeverExposeAPartialFile() throws Exception {
    Path target = tmp.resolve("models/model.pth");
    String oldSha = patternSha(1);
    String newSha = patternSha(2);
    Process first = start(target, 1, SIZE + 1, "run");
    try {
      assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      first.destroyForcibly();
    }
    assertThat(AtomicFiles.sha256(target)).isEqualTo(oldSha);

    // A kill that certainly lands mid-write.
    Process stalled = start(target, 2, SIZE / 2, "stall");
    try {
      assertThat(awaitMark(stalled).get(0)).startsWith("MARK");
    } finally {
      stalled.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(AtomicFiles.sha256(target)).isEqualTo(oldSha);
    List<Path> leftovers = temps(target.getParent());
    assertThat(leftovers).hasSize(1).allMatch(AtomicFiles::isTempFile);

    // Kills at random points, some of them after the rename.
    Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
    for (int i = 0; i < 4; i++) {
      int seed = 1 + (i + 1) % 2;
      long mark = (long) (random.nextDouble() * SIZE);
      Process p = start(target, seed, mark, "run");
      try {
        awaitMark(p);
      } finally {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      String sha = AtomicFiles.sha256(target);
      assertThat(sha).as("kill %d at ~%d bytes", i, mark).isIn(oldSha, newSha);
    }

    // The next install in the directory recognises the leftovers; stale ones are removed.
    for (Path t : temps(target.getParent())) {
      Files.setLastModifiedTime(
          t,
          java.nio.file.attribute.FileTime.from(
              java.time.Instant.now().minus(Duration.ofHours(1))));
    }
    AtomicFiles.install(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), target);
    assertThat(temps(target.getParent())).isEmpty();
    assertThat(Files.size(target)).isEqualTo(3);
  }

  private static List<Path> temps(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(AtomicFiles::isTempFile).toList();
    }
  }
}
