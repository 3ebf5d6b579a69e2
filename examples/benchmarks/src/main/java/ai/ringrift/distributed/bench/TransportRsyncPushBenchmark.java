package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.testkit.SshTestHost;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.rsync.RsyncResult;
import ai.ringrift.distributed.transport.rsync.RsyncTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code rsync-push}: our {@link RsyncTransport} pushing one large file over loopback SSH against
 * the plain {@code rsync -e ssh} command line with the same flags, both into an empty destination.
 * 1 GiB ({@code --quick}: 128 MiB), incompressible bytes, median of several alternating runs.
 */
public final class TransportRsyncPushBenchmark implements Benchmark {
  @Override
  public String name() {
    return "rsync-push";
  }

  @Override
  public String description() {
    return "RsyncTransport push of a 1 GiB file over loopback SSH vs plain rsync -e ssh, same flags";
  }

  @Override
  public BenchReport run(BenchContext context) throws Exception {
    long size = context.quick() ? 128L << 20 : 1L << 30;
    int runs = context.quick() ? 3 : 5;
    Path src = context.scratchDir().resolve("src/checkpoint.pt");
    writeRandom(src, size);
    Path destRoot = context.scratchDir().resolve("dest");
    try (SshTestHost sshd = SshTestHost.start();
        RsyncTransport rsync = RsyncTransport.builder().knownHosts(sshd.knownHosts()).build()) {
      RemoteHost host =
          RemoteHost.builder("bench")
              .sshHost(sshd.host())
              .sshPort(sshd.port())
              .sshUser(sshd.user())
              .sshKey(sshd.userKey())
              .build();
      List<String> plain =
          new ArrayList<>(
              List.of(
                  "rsync",
                  "-rlt",
                  "-e",
                  "ssh -F /dev/null "
                      + String.join(" ", sshd.sshOptions())
                      + " -o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=4",
                  "--exclude=.rsync-partial/",
                  "--partial-dir=.rsync-partial",
                  "--delay-updates",
                  "--timeout=60",
                  "--progress",
                  "--out-format=RRFILE %n",
                  "--stats",
                  "--outbuf=L"));
      // Warm the page cache and both code paths once.
      ours(rsync, host, src, destRoot.resolve("warm-ours"));
      baseline(plain, src, sshd, destRoot.resolve("warm-plain"));
      double[] oursMb = new double[runs];
      double[] plainMb = new double[runs];
      for (int i = 0; i < runs; i++) {
        // Alternate who goes first, and start each run with no dirty pages left by the last one.
        boolean oursFirst = i % 2 == 0;
        for (int k = 0; k < 2; k++) {
          deleteTree(destRoot);
          syncDisks();
          if (oursFirst == (k == 0)) {
            oursMb[i] = mbPerSecond(size, ours(rsync, host, src, destRoot.resolve("ours-" + i)));
          } else {
            plainMb[i] =
                mbPerSecond(size, baseline(plain, src, sshd, destRoot.resolve("plain-" + i)));
          }
        }
      }
      deleteTree(destRoot);
      return new BenchReport(name())
          .add(
              new BenchReport.Row(
                  "push " + (size >> 20) + " MiB over loopback SSH (median)",
                  "MiB/s",
                  median(oursMb),
                  "rsync -e ssh",
                  median(plainMb),
                  true,
                  0.95))
          .note("file_bytes", size)
          .note("runs_each", runs)
          .note("ours_runs_mib_s", Arrays.toString(round(oursMb)))
          .note("plain_runs_mib_s", Arrays.toString(round(plainMb)))
          .note("flags", "-rlt --partial-dir --delay-updates --timeout=60 --progress --stats");
    }
  }

  private static long ours(RsyncTransport rsync, RemoteHost host, Path src, Path dest)
      throws Exception {
    long t0 = System.nanoTime();
    RsyncResult r =
        rsync
            .pushWithStats(
                host,
                TransferRequest.builder(src, dest.resolve(src.getFileName()).toString())
                    .timeout(Duration.ofMinutes(10))
                    .build())
            .get(10, TimeUnit.MINUTES);
    long t = System.nanoTime() - t0;
    if (r.filesTransferred() != 1) {
      throw new IllegalStateException("expected one file transferred, got " + r);
    }
    return t;
  }

  private static long baseline(List<String> plain, Path src, SshTestHost sshd, Path dest)
      throws Exception {
    List<String> cmd = new ArrayList<>(plain);
    cmd.add("--rsync-path=mkdir -p '" + dest + "' && rsync");
    cmd.add(src.toString());
    cmd.add(sshd.user() + "@" + sshd.host() + ":" + dest.resolve(src.getFileName()));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("plain rsync failed: " + cmd);
    }
    return System.nanoTime() - t0;
  }

  private static void syncDisks() throws Exception {
    Process p =
        new ProcessBuilder("sync")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor(2, TimeUnit.MINUTES);
  }

  static void writeRandom(Path file, long size) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] buf = new byte[1 << 20];
    Random r = new Random(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  private static double mbPerSecond(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 10) / 10.0).toArray();
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
