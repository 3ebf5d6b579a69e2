package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.P2PServer;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code http-file}: one large file over loopback. Ours: a {@link P2PServer} (zero-copy file
 * region) and {@link P2PSyncClient#downloadFile} (SHA-256 while receiving, fsync, atomic rename).
 * Baselines: {@code curl} from {@code nginx} (sendfile on), and {@code rsync -e ssh} from an {@code
 * sshd} this benchmark starts on a loopback port. 1 GiB ({@code --quick}: 128 MiB), the median of 3
 * runs each (rsync: 1 run).
 */
public final class TransportHttpFileBenchmark implements Benchmark {
  private static final String TOKEN = "bench-token";

  @Override
  public String name() {
    return "http-file";
  }

  @Override
  public String description() {
    return "a 1 GiB file over loopback: P2P service+client vs curl from nginx, vs rsync -e ssh";
  }

  @Override
  public BenchReport run(BenchContext ctx) throws Exception {
    long size = ctx.quick() ? 128L << 20 : 1L << 30;
    int runs = ctx.quick() ? 3 : 5;
    Path src = Files.createDirectories(ctx.scratchDir().resolve("src"));
    Path file = src.resolve("big.bin");
    writeRandom(file, size);
    Path out = Files.createDirectories(ctx.scratchDir().resolve("out"));
    BenchReport report = new BenchReport(name());
    double mib = size / (1024.0 * 1024.0);

    // The four contenders run interleaved (round i: each once) so that load from other processes
    // on this shared machine drifts over all of them alike; medians of `runs` rounds.
    double[] tOurs = new double[runs];
    double[] tCurlOurs = new double[runs];
    double[] tCurlNginx = new double[runs];
    double[] tCurlNginxSync = new double[runs];
    Nginx nginx = Nginx.start(ctx.scratchDir(), src);
    try (P2PServer server =
            P2PServer.builder()
                .env(Map.of())
                .port(0)
                .authToken(TOKEN)
                .category("models", src)
                .build();
        P2PSyncClient client =
            P2PSyncClient.builder()
                .env(Map.of())
                .authToken(TOKEN)
                .deadline(Duration.ofMinutes(10))
                .build()) {
      server.start().join();
      P2PSyncClient peer = client.withPeer("127.0.0.1", server.port());
      long h0 = System.nanoTime();
      // The node keeps its manifest: hash once, as in steady state.
      peer.getManifest("models").join();
      report.note("server_sha256_first_hash_s", secs(System.nanoTime() - h0));
      String oursUrl = "http://127.0.0.1:" + server.port() + "/files/models/big.bin";
      String nginxUrl = "http://127.0.0.1:" + nginx.port + "/big.bin";
      for (int i = 0; i < runs; i++) {
        Path dest = out.resolve("ours-" + i + ".bin");
        long t0 = System.nanoTime();
        DownloadResult r = peer.downloadFile("models", "big.bin", dest).join();
        tOurs[i] = secs(System.nanoTime() - t0);
        if (r.size() != size) {
          throw new IllegalStateException("downloaded " + r.size() + " of " + size);
        }
        Files.delete(dest);
        tCurlOurs[i] = curlOnce(oursUrl, out, size, false);
        tCurlNginx[i] = curlOnce(nginxUrl, out, size, false);
        tCurlNginxSync[i] = curlOnce(nginxUrl, out, size, true);
      }
    } finally {
      nginx.stop();
    }
    double ours = mib / median(tOurs);
    double oursServer = mib / median(tCurlOurs);
    double[] nginxRates = {mib / median(tCurlNginx), mib / median(tCurlNginxSync)};

    String what = String.format(Locale.ROOT, "%.0f MiB, ", mib);
    report.add(
        new BenchReport.Row(
            what + "server: curl <- ours vs curl <- nginx",
            "MiB/s",
            oursServer,
            "curl <- nginx",
            nginxRates[0],
            true,
            0.9));
    report.add(
        new BenchReport.Row(
            what + "durable copy: our client vs curl+fsync",
            "MiB/s",
            ours,
            "curl+fsync <- nginx",
            nginxRates[1],
            true,
            // Issue 7's 0.9 target is the server comparison above (same client, ours vs nginx).
            // This row adds our client's SHA-256 verification while receiving, which curl does
            // not do and which bounds it on 2 cores: reported, not targeted.
            null));

    double rsync = rsyncSsh(ctx.scratchDir(), file, out, mib);
    if (rsync > 0) {
      report.add(
          new BenchReport.Row(
              String.format(Locale.ROOT, "%.0f MiB file over loopback", mib),
              "MiB/s",
              ours,
              "rsync -e ssh",
              rsync,
              true,
              null));
    } else {
      report.note("rsync_ssh", "not run: sshd did not start (see stderr)");
    }
    report.note("file_bytes", size);
    report.note("runs", runs + " interleaved rounds (median), rsync 1");
    report.note("ours_includes", "SHA-256 verification while receiving, fsync, atomic rename");
    report.note(
        "baselines_include",
        "curl writes without fsync (durable row: then `sync FILE`); rsync without fsync; our server's"
            + " SHA-256 is cached (first hash timed above)");
    return report;
  }

  /** Seconds of one curl download (then {@code sync FILE} when durable). */
  private static double curlOnce(String url, Path out, long size, boolean durable)
      throws Exception {
    Path dest = out.resolve("curl.bin");
    long t0 = System.nanoTime();
    run(
        List.of(
            "curl", "-fsS", "-H", "Authorization: Bearer " + TOKEN, "-o", dest.toString(), url));
    if (durable) {
      run(List.of("sync", dest.toString()));
    }
    double t = secs(System.nanoTime() - t0);
    if (Files.size(dest) != size) {
      throw new IllegalStateException(
          "curl got " + Files.size(dest) + " of " + size + " bytes from " + url);
    }
    Files.delete(dest);
    return t;
  }

  /** nginx as a child process on a free loopback port, serving {@code root}. */
  private static final class Nginx {
    final int port;
    final Process process;

    private Nginx(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    static Nginx start(Path scratch, Path src) throws Exception {
      Path prefix = Files.createDirectories(scratch.resolve("nginx"));
      Files.createDirectories(prefix.resolve("logs"));
      int port = freePort();
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              // Workers run as this user: the default (nobody) may not read the scratch directory.
              "root".equals(System.getProperty("user.name")) ? "user root;" : "",
              "worker_processes 1;",
              "pid " + prefix.resolve("nginx.pid") + ";",
              "error_log " + prefix.resolve("logs/error.log") + ";",
              "events { worker_connections 64; }",
              "http {",
              "  access_log off; sendfile on; tcp_nopush on;",
              "  client_body_temp_path " + prefix.resolve("tmp") + ";",
              "  proxy_temp_path " + prefix.resolve("tmp") + ";",
              "  fastcgi_temp_path " + prefix.resolve("tmp") + ";",
              "  uwsgi_temp_path " + prefix.resolve("tmp") + ";",
              "  scgi_temp_path " + prefix.resolve("tmp") + ";",
              "  server { listen 127.0.0.1:" + port + "; root " + src + "; }",
              "}",
              ""));
      Files.createDirectories(prefix.resolve("tmp"));
      Process nginx =
          new ProcessBuilder(
                  "/usr/sbin/nginx",
                  "-p",
                  prefix.toString(),
                  "-e",
                  prefix.resolve("logs/error.log").toString(),
                  "-c",
                  conf.toString(),
                  "-g",
                  "daemon off;")
              .redirectErrorStream(true)
              .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
              .start();
      try {
        awaitPort(port, nginx, prefix.resolve("logs/error.log"));
      } catch (RuntimeException e) {
        TransportHttpFileBenchmark.stop(nginx);
        throw e;
      }
      return new Nginx(port, nginx);
    }

    void stop() throws InterruptedException {
      TransportHttpFileBenchmark.stop(process);
    }
  }

  /** rsync over OpenSSH to an sshd started here; returns MiB/s, or -1 if sshd cannot start. */
  private static double rsyncSsh(Path scratch, Path file, Path out, double mib) throws Exception {
    Path dir = Files.createDirectories(scratch.resolve("sshd"));
    Path hostKey = dir.resolve("host_key");
    Path userKey = dir.resolve("id_bench");
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", userKey.toString()));
    Files.copy(dir.resolve("id_bench.pub"), dir.resolve("authorized_keys"));
    Files.createDirectories(Path.of("/run/sshd"));
    int port = freePort();
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + hostKey,
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "UseDNS no",
            ""));
    Process sshd =
        new ProcessBuilder(
                "/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    try {
      try {
        awaitPort(port, sshd, dir.resolve("sshd.log"));
      } catch (IllegalStateException e) {
        System.err.println("http-file: rsync baseline not run: " + e.getMessage());
        return -1;
      }
      String ssh =
          "ssh -p "
              + port
              + " -i "
              + userKey
              + " -o IdentitiesOnly=yes -o StrictHostKeyChecking=no"
              + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR";
      Path dest = out.resolve("rsync.bin");
      long t0 = System.nanoTime();
      run(
          List.of(
              "rsync",
              "-a",
              "-e",
              ssh,
              System.getProperty("user.name") + "@127.0.0.1:" + file,
              dest.toString()));
      double t = secs(System.nanoTime() - t0);
      Files.delete(dest);
      return mib / t;
    } finally {
      stop(sshd);
    }
  }

  private static void writeRandom(Path file, long size) throws IOException {
    SplittableRandom r = new SplittableRandom(42);
    byte[] block = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long v = r.nextLong();
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (v >>> (8 * k));
          }
        }
        o.write(block, 0, (int) Math.min(block.length, size - done));
      }
    }
  }

  private static void awaitPort(int port, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("exited " + p.exitValue() + ": " + tail(log));
      }
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException e) {
        p.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("did not listen on port " + port + ": " + tail(log));
  }

  private static String tail(Path log) {
    try {
      String s = Files.exists(log) ? Files.readString(log) : "";
      return s.length() > 500 ? s.substring(s.length() - 500) : s;
    } catch (IOException e) {
      return "";
    }
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd.get(0) + " failed: " + output);
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
