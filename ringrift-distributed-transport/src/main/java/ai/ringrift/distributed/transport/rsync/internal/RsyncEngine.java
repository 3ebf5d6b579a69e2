package ai.ringrift.distributed.transport.rsync.internal;

import ai.ringrift.distributed.transport.ProbeResult;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.rsync.RsyncException;
import ai.ringrift.distributed.transport.rsync.RsyncException.Kind;
import ai.ringrift.distributed.transport.rsync.RsyncResult;
import ai.ringrift.distributed.transport.ssh.internal.Futures;
import ai.ringrift.distributed.transport.ssh.internal.Permits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rsync transfers: picks the address, checks for live databases, builds the command line, runs
 * rsync in its own process group, parses its output and maps its exit code. One worker thread per
 * running transfer (it waits for the process); at most {@code maxConcurrentTransfers} at once.
 */
public final class RsyncEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RsyncEngine.class);

  /** Where rsync keeps partial files, relative to each destination directory. */
  public static final String PARTIAL_DIR = ".rsync-partial";

  private static final long STOP_GRACE_MILLIS = 2000;

  private final RsyncSettings settings;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Permits permits;
  private final Set<ProcessGroup> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates an engine.
   *
   * @param settings validated settings
   * @param executor runs transfers (a thread each) and completes futures
   * @param scheduler runs time limits
   */
  public RsyncEngine(
      RsyncSettings settings, Executor executor, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.executor = executor;
    this.scheduler = scheduler;
    this.permits = new Permits(settings.maxConcurrentTransfers(), executor);
  }

  /** Where to point ssh: an address, and the proxy command when it is the tunnel. */
  record Route(String address, @Nullable String proxyCommand) {}

  /**
   * Runs one transfer.
   *
   * @param host the remote host
   * @param request what to copy
   * @param push true to copy local to remote, false for remote to local
   * @return the stats; failed with {@link RsyncException}
   */
  public CompletableFuture<RsyncResult> transfer(
      RemoteHost host, TransferRequest request, boolean push) {
    CompletableFuture<RsyncResult> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedException(host));
      return result;
    }
    permits.submit(result, () -> run(host, request, push, result));
    return result;
  }

  private void run(
      RemoteHost host, TransferRequest request, boolean push, CompletableFuture<RsyncResult> f) {
    long start = System.nanoTime();
    try {
      Route route = resolve(host);
      SshCommandLine ssh = sshFor(host, route);
      guard(host, request, push, route, ssh);
      verifySource(host, request, push);
      List<String> argv = transferArgv(host, request, push, route, ssh);
      RsyncOutputParser parser = new RsyncOutputParser(request.listener());
      runProcess(host, argv, ssh.environment(), request.timeout(), parser, f);
      if (f.isDone()) {
        return; // timed out or cancelled meanwhile
      }
      verifyPulled(host, request, push);
      f.complete(
          new RsyncResult(
              host.name(),
              parser.filesTransferred(),
              parser.transferredFileSize(),
              parser.literalBytes(),
              parser.matchedBytes(),
              parser.bytesSent(),
              parser.bytesReceived(),
              Duration.ofNanos(System.nanoTime() - start)));
    } catch (RsyncException e) {
      f.completeExceptionally(e);
    }
  }

  /** Runs rsync to its end; a non-zero exit throws, unless {@code f} completed meanwhile. */
  private void runProcess(
      RemoteHost host,
      List<String> argv,
      Map<String, String> env,
      Duration timeout,
      RsyncOutputParser parser,
      CompletableFuture<RsyncResult> f)
      throws RsyncException {
    ProcessGroup group;
    try {
      group = ProcessGroup.start(argv, env);
    } catch (IOException e) {
      throw new RsyncException(
          Kind.REQUEST,
          -1,
          "cannot start " + settings.rsync() + ": " + e.getMessage(),
          host.name(),
          e);
    }
    running.add(group);
    LOG.debug("rsync pid {} for {}: {}", group.pid(), host.name(), redact(argv));
    AtomicReference<String> stderrTail = new AtomicReference<>("");
    CompletableFuture<Void> stderrDone =
        CompletableFuture.runAsync(
            () -> stderrTail.set(tail(group.process().getErrorStream(), 8192)), executor);
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                Futures.execute(
                    executor,
                    () -> {
                      if (f.completeExceptionally(
                          new RsyncException(
                              Kind.TIMEOUT,
                              -1,
                              "rsync with "
                                  + host.name()
                                  + " did not finish within "
                                  + timeout
                                  + "; process group "
                                  + group.pid()
                                  + " killed",
                              host.name(),
                              null))) {
                        group.stop(STOP_GRACE_MILLIS);
                      }
                    }),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    f.whenComplete(
        (r, e) -> {
          if (e != null && group.process().isAlive()) {
            Futures.execute(executor, () -> group.stop(STOP_GRACE_MILLIS));
          }
        });
    try {
      readLines(group.process().getInputStream(), parser);
      int exit = group.process().waitFor();
      awaitQuietly(stderrDone);
      if (exit != 0 && !f.isDone() && closed.get()) {
        throw new RsyncException(
            Kind.CANCELLED,
            exit,
            "rsync with " + host.name() + " stopped: the transport was closed",
            host.name(),
            null);
      }
      if (exit != 0 && !f.isDone()) {
        Kind kind = Kind.ofExitCode(exit);
        throw new RsyncException(
            kind,
            exit,
            "rsync with "
                + host.name()
                + " failed with exit code "
                + exit
                + " ("
                + kind
                + "): "
                + stderrTail.get().trim(),
            host.name(),
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.stop(STOP_GRACE_MILLIS);
      throw new RsyncException(Kind.CANCELLED, -1, "interrupted", host.name(), e);
    } finally {
      timer.cancel(false);
      running.remove(group);
    }
  }

  private static void awaitQuietly(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.debug("stderr reader did not finish: {}", e.toString());
    }
  }

  private static void readLines(InputStream raw, RsyncOutputParser parser) {
    StringBuilder line = new StringBuilder();
    try (InputStream in = new BufferedInputStream(raw, 8192)) {
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\r' || c == '\n') {
          if (line.length() > 0) {
            parser.line(line.toString());
            line.setLength(0);
          }
        } else if (line.length() < 4096) {
          line.append((char) c);
        }
      }
    } catch (IOException e) {
      // the process ended or was killed; its exit code tells
    }
    if (line.length() > 0) {
      parser.line(line.toString());
    }
  }

  private static String tail(InputStream in, int max) {
    try (in) {
      byte[] all = in.readAllBytes();
      int from = Math.max(0, all.length - max);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  Route resolve(RemoteHost host) throws RsyncException {
    Map<String, String> failures = new LinkedHashMap<>();
    int probeMillis = (int) Math.min(settings.connectTimeout().toMillis(), 5000);
    for (String address : host.addresses()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, host.sshPort()), probeMillis);
        return new Route(address, null);
      } catch (IOException e) {
        failures.put(address + ":" + host.sshPort(), String.valueOf(e.getMessage()));
      }
    }
    if (host.cloudflareTunnel().isPresent()) {
      return new Route(host.cloudflareTunnel().get(), settings.proxyCommand());
    }
    throw new RsyncException(
        Kind.CONNECTION,
        -1,
        "host "
            + host.name()
            + ": no address accepted a TCP connection within "
            + probeMillis
            + " ms: "
            + failures,
        host.name(),
        null);
  }

  SshCommandLine sshFor(RemoteHost host, Route route) {
    return SshCommandLine.of(
        settings,
        host.sshKey(),
        host.sshPort(),
        route.proxyCommand(),
        route.proxyCommand() != null ? host.cloudflareTokenId().orElse(null) : null,
        route.proxyCommand() != null ? host.cloudflareTokenSecret().orElse(null) : null);
  }

  private static String remote(RemoteHost host, Route route, String path) {
    String addr = route.address().contains(":") ? "[" + route.address() + "]" : route.address();
    return host.sshUser() + "@" + addr + ":" + path;
  }

  private List<String> commonArgs(TransferRequest request, SshCommandLine ssh) {
    List<String> a = new ArrayList<>();
    a.add(settings.rsync().toString());
    a.add("-rlt");
    if (settings.compress()) {
      a.add("-z");
    }
    a.add("-e");
    a.add(ssh.rsh());
    // Excludes first: rsync's first matching rule wins, so an explicit exclude beats an include.
    for (String x : request.excludes()) {
      a.add("--exclude=" + x);
    }
    a.add("--exclude=" + PARTIAL_DIR + "/");
    if (!request.includes().isEmpty()) {
      a.add("--include=*/");
      for (String i : request.includes()) {
        a.add("--include=" + i);
      }
      a.add("--exclude=*");
      a.add("--prune-empty-dirs");
    }
    return a;
  }

  List<String> transferArgv(
      RemoteHost host, TransferRequest request, boolean push, Route route, SshCommandLine ssh)
      throws RsyncException {
    List<String> a = commonArgs(request, ssh);
    a.add("--partial-dir=" + PARTIAL_DIR);
    a.add("--delay-updates");
    a.add("--timeout=" + Math.max(1, settings.ioTimeout().toSeconds()));
    a.add("--progress");
    a.add("--out-format=" + RsyncOutputParser.FILE_MARKER + "%n");
    a.add("--stats");
    a.add("--outbuf=L");
    request
        .bandwidthLimitBytesPerSecond()
        .ifPresent(b -> a.add("--bwlimit=" + Math.max(1, (b + 1023) / 1024)));
    if (request.deleteExtraneous()) {
      a.add("--delete");
    }
    Path local = request.localPath();
    String remotePath = request.remotePath();
    if (push) {
      boolean dir = Files.isDirectory(local);
      if (!dir && !Files.isRegularFile(local)) {
        throw new RsyncException(
            Kind.REQUEST,
            -1,
            "cannot push to " + host.name() + ": " + local + " does not exist",
            host.name(),
            null);
      }
      String remoteDir = dir ? stripSlash(remotePath) : parentOf(remotePath);
      if (!remoteDir.isEmpty()) {
        // Works with any remote rsync version (unlike --mkpath).
        a.add("--rsync-path=mkdir -p " + SshCommandLine.shellQuote(remoteDir) + " && rsync");
      }
      a.add(dir ? local + "/" : local.toString());
      a.add(remote(host, route, dir ? stripSlash(remotePath) + "/" : remotePath));
    } else {
      boolean dir = remotePath.endsWith("/");
      try {
        Path parent = dir ? local : local.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (IOException e) {
        throw new RsyncException(
            Kind.IO,
            -1,
            "cannot create " + local + " for a pull from " + host.name() + ": " + e,
            host.name(),
            e);
      }
      a.add(remote(host, route, remotePath));
      a.add(dir ? local + "/" : local.toString());
    }
    return a;
  }

  private static String stripSlash(String p) {
    String s = p;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static String parentOf(String p) {
    int i = p.lastIndexOf('/');
    return i <= 0 ? (i == 0 ? "/" : "") : p.substring(0, i);
  }

  private void guard(
      RemoteHost host, TransferRequest request, boolean push, Route route, SshCommandLine ssh)
      throws RsyncException {
    Path local = request.localPath();
    List<String> problems;
    if (push && Files.isDirectory(local)) {
      List<String> names = list(host, request, ssh, local + "/");
      problems =
          LiveDatabaseGuard.problems(
              names, request.sqliteSnapshot(), n -> Files.exists(local.resolve(n)));
    } else if (push) {
      String name = local.getFileName() == null ? local.toString() : local.getFileName().toString();
      problems =
          LiveDatabaseGuard.problems(
              List.of(name), request.sqliteSnapshot(), n -> Files.exists(local.resolveSibling(n)));
    } else if (request.remotePath().endsWith("/")) {
      List<String> names = list(host, request, ssh, remote(host, route, request.remotePath()));
      Set<String> all = Set.copyOf(names);
      problems = LiveDatabaseGuard.problems(names, request.sqliteSnapshot(), all::contains);
    } else {
      String r = request.remotePath();
      problems =
          LiveDatabaseGuard.problems(
              List.of(r.substring(r.lastIndexOf('/') + 1)), request.sqliteSnapshot(), n -> false);
    }
    if (!problems.isEmpty()) {
      throw new RsyncException(
          Kind.LIVE_DATABASE,
          -1,
          "refusing to "
              + (push ? "push to " : "pull from ")
              + host.name()
              + ": "
              + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
              + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""),
          host.name(),
          null);
    }
  }

  /** The files rsync would consider, filters applied: {@code rsync --list-only}. */
  private List<String> list(
      RemoteHost host, TransferRequest request, SshCommandLine ssh, String source)
      throws RsyncException {
    List<String> a = commonArgs(request, ssh);
    a.add("--list-only");
    a.add(source);
    List<String> names = new ArrayList<>();
    ProcessGroup group;
    try {
      group = ProcessGroup.start(a, ssh.environment());
    } catch (IOException e) {
      throw new RsyncException(
          Kind.REQUEST,
          -1,
          "cannot start " + settings.rsync() + ": " + e.getMessage(),
          host.name(),
          e);
    }
    running.add(group);
    try {
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(
              () -> tail(group.process().getErrorStream(), 4096), executor);
      String out =
          new String(group.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!group
          .process()
          .waitFor(settings.connectTimeout().toMillis() * 3, TimeUnit.MILLISECONDS)) {
        group.stop(0);
      }
      int exit = group.process().exitValue();
      if (exit != 0) {
        Kind kind = Kind.ofExitCode(exit);
        throw new RsyncException(
            kind,
            exit,
            "listing "
                + source
                + " on "
                + host.name()
                + " failed with exit code "
                + exit
                + ": "
                + err.get(10, TimeUnit.SECONDS).trim(),
            host.name(),
            null);
      }
      for (String line : out.split("\n")) {
        // perms size date time name
        String[] f = line.split("\\s+", 5);
        if (f.length == 5 && f[0].startsWith("-")) {
          names.add(f[4]);
        }
      }
      return names;
    } catch (IOException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new RsyncException(
          Kind.CONNECTION,
          -1,
          "listing " + source + " on " + host.name() + " failed: " + e,
          host.name(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RsyncException(Kind.CANCELLED, -1, "interrupted", host.name(), e);
    } finally {
      running.remove(group);
    }
  }

  private static void verifySource(RemoteHost host, TransferRequest request, boolean push)
      throws RsyncException {
    if (!push || request.expectedSha256().isEmpty() || !Files.isRegularFile(request.localPath())) {
      return;
    }
    String actual = sha256(host, request.localPath());
    if (!actual.equals(request.expectedSha256().get())) {
      throw new RsyncException(
          Kind.CHECKSUM,
          -1,
          "not pushing "
              + request.localPath()
              + " to "
              + host.name()
              + ": its SHA-256 is "
              + actual
              + ", expected "
              + request.expectedSha256().get(),
          host.name(),
          null);
    }
  }

  private static void verifyPulled(RemoteHost host, TransferRequest request, boolean push)
      throws RsyncException {
    if (push || request.expectedSha256().isEmpty() || request.remotePath().endsWith("/")) {
      return;
    }
    String actual = sha256(host, request.localPath());
    if (!actual.equals(request.expectedSha256().get())) {
      try {
        Files.deleteIfExists(request.localPath());
      } catch (IOException e) {
        LOG.warn("could not delete mismatching {}: {}", request.localPath(), e.toString());
      }
      throw new RsyncException(
          Kind.CHECKSUM,
          -1,
          request.remotePath()
              + " pulled from "
              + host.name()
              + " has SHA-256 "
              + actual
              + ", expected "
              + request.expectedSha256().get()
              + "; "
              + request.localPath()
              + " removed",
          host.name(),
          null);
    }
  }

  private static String sha256(RemoteHost host, Path file) throws RsyncException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new RsyncException(Kind.IO, -1, "cannot hash " + file + ": " + e, host.name(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /**
   * Checks the host answers SSH by running {@code true} through the same ssh options rsync uses.
   *
   * @param host the host
   * @return reachable or not, never failed
   */
  public CompletableFuture<ProbeResult> probe(RemoteHost host) {
    return CompletableFuture.supplyAsync(
        () -> {
          long start = System.nanoTime();
          try {
            Route route = resolve(host);
            SshCommandLine ssh = sshFor(host, route);
            String dest = host.sshUser() + "@" + route.address();
            ProcessGroup g = ProcessGroup.start(ssh.argv(dest, "true"), ssh.environment());
            running.add(g);
            try {
              String err = tail(g.process().getErrorStream(), 2048).trim();
              boolean done =
                  g.process()
                      .waitFor(settings.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
              if (!done) {
                g.stop(0);
              }
              boolean ok = done && g.process().exitValue() == 0;
              return new ProbeResult(
                  host.name(),
                  "rsync",
                  ok,
                  Duration.ofNanos(System.nanoTime() - start),
                  ok
                      ? route.address()
                      : (done
                          ? "ssh exit " + g.process().exitValue() + ": " + err
                          : "ssh timed out"));
            } finally {
              running.remove(g);
            }
          } catch (RsyncException | IOException e) {
            return new ProbeResult(
                host.name(),
                "rsync",
                false,
                Duration.ofNanos(System.nanoTime() - start),
                e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult(
                host.name(),
                "rsync",
                false,
                Duration.ofNanos(System.nanoTime() - start),
                "interrupted");
          }
        },
        executor);
  }

  /** Kills every running rsync; later transfers fail as cancelled. */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (ProcessGroup g : List.copyOf(running)) {
        g.stop(STOP_GRACE_MILLIS);
      }
    }
  }

  /**
   * @return PIDs of the rsync process groups running now (for tests)
   */
  public List<Long> runningPids() {
    return running.stream().map(ProcessGroup::pid).toList();
  }

  private static RsyncException closedException(RemoteHost host) {
    return new RsyncException(Kind.CANCELLED, -1, "rsync transport is closed", host.name(), null);
  }

  private static String redact(List<String> argv) {
    return String.join(" ", argv);
  }
}
