package ai.ringrift.distributed.transport.rsync;

import ai.ringrift.distributed.transport.ProbeResult;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.Transport;
import ai.ringrift.distributed.transport.rsync.internal.RsyncEngine;
import ai.ringrift.distributed.transport.rsync.internal.RsyncSettings;
import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import ai.ringrift.distributed.transport.ssh.SshExecutor;
import ai.ringrift.distributed.transport.ssh.internal.Futures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Copies files with the real {@code rsync} binary over OpenSSH: the transport for nodes that run no
 * JVM.
 *
 * <h2>What it runs, and why</h2>
 *
 * <pre>{@code
 * setsid rsync -rlt -e "ssh -F /dev/null -i KEY -o IdentitiesOnly=yes -o IdentityAgent=none
 *     -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=FILE ... -p PORT
 *     [-o ProxyCommand=...]" [--exclude=...] [--include=*\/ --include=... --exclude=*]
 *     --partial-dir=.rsync-partial --delay-updates --timeout=N --progress --stats
 *     [--bwlimit=K] [--delete] SRC DST
 * }</pre>
 *
 * <ul>
 *   <li>Exactly one key, no agent, no user ssh_config, host keys checked against one known_hosts
 *       file (the same settings as {@link SshExecutor}).
 *   <li>{@code --partial-dir} + {@code --delay-updates}: a file being written is never visible
 *       under its name; an interrupted file is kept in {@code .rsync-partial/} and the next run
 *       resumes from it. Updated files are renamed into place together at the end.
 *   <li>No {@code --delete} unless the request asks ({@code aws s3 sync --delete} lost 49 GB and 89
 *       GB of backups in the Python cluster); no {@code --checksum} (it made rsync use 5 GB of RAM
 *       on multi-GB files): rsync's size + mtime check decides what to send, and every transferred
 *       file is verified by rsync's whole-file checksum; give {@link
 *       TransferRequest#expectedSha256()} for an end-to-end SHA-256 check of single files.
 *   <li>SQLite databases are refused unless the request vouches they are snapshots ({@link
 *       TransferRequest#sqliteSnapshot()}, see {@link SqliteSnapshots}); a database with a {@code
 *       -wal} or {@code -journal} beside it, and those side files, are always refused.
 *   <li>rsync runs in its own process group: cancelling a future, a timeout or {@link #close()}
 *       stops rsync and its ssh together (SIGTERM, so rsync keeps the partial file, then SIGKILL).
 * </ul>
 *
 * <p>Paths: a push of a directory copies its contents into {@code remotePath} (created if missing);
 * a push of a file writes it as {@code remotePath}. A pull copies a directory's contents when
 * {@code remotePath} ends with {@code /}, else the single file to {@code localPath}.
 *
 * <p>Addresses are tried in order (Tailscale IP, SSH host: the first accepting TCP wins), then the
 * Cloudflare tunnel through the proxy command, with the service token in ssh's environment.
 *
 * <p>Thread-safe. Futures complete on the transport's worker threads (one per running transfer, at
 * most {@link Builder#maxConcurrentTransfers(int)}; the Python cluster ran out of memory with more
 * than 100 parallel rsyncs). Failures are {@link RsyncException}s.
 */
public final class RsyncTransport implements Transport {
  /** The transport's name in stats and errors. */
  public static final String NAME = "rsync";

  private final RsyncEngine engine;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable ScheduledExecutorService ownedScheduler;
  private final Executor executor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private RsyncTransport(Builder b) {
    AtomicInteger n = new AtomicInteger();
    if (b.executor == null) {
      ownedExecutor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "ringrift-rsync-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      executor = ownedExecutor;
    } else {
      ownedExecutor = null;
      executor = b.executor;
    }
    ScheduledExecutorService scheduler;
    if (b.scheduler == null) {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "ringrift-rsync-timer");
                t.setDaemon(true);
                return t;
              });
      s.setRemoveOnCancelPolicy(true);
      ownedScheduler = s;
      scheduler = s;
    } else {
      ownedScheduler = null;
      scheduler = b.scheduler;
    }
    engine =
        new RsyncEngine(
            new RsyncSettings(
                b.rsync,
                b.ssh,
                b.knownHosts,
                b.hostKeyPolicy,
                b.connectTimeout,
                b.ioTimeout,
                b.proxyCommand,
                b.compress,
                b.maxConcurrentTransfers),
            executor,
            scheduler);
  }

  /**
   * Starts a builder with the defaults listed on its setters.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<TransferResult> push(RemoteHost host, TransferRequest request) {
    return Futures.map(pushWithStats(host, request), RsyncResult::toTransferResult, executor);
  }

  @Override
  public CompletableFuture<TransferResult> pull(RemoteHost host, TransferRequest request) {
    return Futures.map(pullWithStats(host, request), RsyncResult::toTransferResult, executor);
  }

  /**
   * {@link #push} returning rsync's full stats (literal and matched bytes, bytes on the wire).
   * Cancelling the returned future stops rsync.
   *
   * @param host the destination
   * @param request what to copy
   * @return the stats; failed with {@link RsyncException}
   */
  public CompletableFuture<RsyncResult> pushWithStats(RemoteHost host, TransferRequest request) {
    return engine.transfer(
        Objects.requireNonNull(host, "host"), Objects.requireNonNull(request, "request"), true);
  }

  /**
   * {@link #pull} returning rsync's full stats. Cancelling the returned future stops rsync.
   *
   * @param host the source
   * @param request what to copy
   * @return the stats; failed with {@link RsyncException}
   */
  public CompletableFuture<RsyncResult> pullWithStats(RemoteHost host, TransferRequest request) {
    return engine.transfer(
        Objects.requireNonNull(host, "host"), Objects.requireNonNull(request, "request"), false);
  }

  /**
   * Copies one local file to {@code remotePath} on {@code host} with default settings.
   *
   * @param localPath the file
   * @param remotePath the destination file (its directory is created)
   * @param host the destination host
   * @return the result
   */
  public CompletableFuture<TransferResult> pushFile(
      Path localPath, String remotePath, RemoteHost host) {
    return push(host, TransferRequest.builder(localPath, remotePath).build());
  }

  /**
   * Copies one remote file to {@code localPath} with default settings.
   *
   * @param remotePath the file on the host (must not end with {@code /})
   * @param localPath the destination file (its directory is created)
   * @param host the source host
   * @return the result
   */
  public CompletableFuture<TransferResult> pullFile(
      String remotePath, Path localPath, RemoteHost host) {
    if (remotePath.endsWith("/")) {
      throw new IllegalArgumentException("pullFile takes a file, not a directory: " + remotePath);
    }
    return pull(host, TransferRequest.builder(localPath, remotePath).build());
  }

  @Override
  public CompletableFuture<ProbeResult> probe(RemoteHost host) {
    return engine.probe(Objects.requireNonNull(host, "host"));
  }

  /**
   * PIDs (= process group ids) of the rsync processes running now, for diagnostics and tests.
   *
   * @return the PIDs
   */
  public List<Long> runningProcesses() {
    return engine.runningPids();
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (!closed.compareAndSet(false, true)) {
      return closeFuture;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                engine.close();
              } finally {
                if (ownedScheduler != null) {
                  ownedScheduler.shutdownNow();
                }
                if (ownedExecutor != null) {
                  ownedExecutor.shutdown();
                }
                closeFuture.complete(null);
              }
            },
            "ringrift-rsync-close");
    t.setDaemon(true);
    t.start();
    return closeFuture;
  }

  @Override
  public void close() {
    try {
      closeAsync().join();
    } catch (CompletionException e) {
      // closeFuture never fails
    }
  }

  /** Builds an {@link RsyncTransport}; setters validate their value. */
  public static final class Builder {
    private Path rsync = Path.of("/usr/bin/rsync");
    private String ssh = "ssh";
    private Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    private HostKeyPolicy hostKeyPolicy = HostKeyPolicy.STRICT;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration ioTimeout = Duration.ofSeconds(60);
    private String proxyCommand = SshExecutor.DEFAULT_PROXY_COMMAND;
    private boolean compress;
    private int maxConcurrentTransfers = 4;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * The rsync binary (default {@code /usr/bin/rsync}).
     *
     * @param rsync the binary
     * @return this builder
     */
    public Builder rsyncBinary(Path rsync) {
      this.rsync = Objects.requireNonNull(rsync, "rsync");
      return this;
    }

    /**
     * The ssh binary rsync runs (default {@code ssh} from {@code PATH}).
     *
     * @param ssh the binary
     * @return this builder
     */
    public Builder sshBinary(String ssh) {
      Objects.requireNonNull(ssh, "ssh");
      if (ssh.isBlank() || ssh.contains(" ")) {
        throw new IllegalArgumentException(
            "sshBinary must be a path without spaces, was '" + ssh + "'");
      }
      this.ssh = ssh;
      return this;
    }

    /**
     * The known_hosts file (default {@code ~/.ssh/known_hosts}).
     *
     * @param knownHosts the file
     * @return this builder
     */
    public Builder knownHosts(Path knownHosts) {
      this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
      return this;
    }

    /**
     * Unknown host keys: {@link HostKeyPolicy#STRICT} (default) or {@link
     * HostKeyPolicy#ACCEPT_NEW}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder hostKeyPolicy(HostKeyPolicy policy) {
      this.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * ssh's {@code ConnectTimeout}, also the limit of the TCP probe that picks an address (default
     * 10 s).
     *
     * @param timeout at least one second
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = atLeastASecond(timeout, "connectTimeout");
      return this;
    }

    /**
     * rsync's {@code --timeout}: the transfer fails when no data moves for this long (default 60
     * s). The whole transfer is limited by {@link TransferRequest#timeout()}.
     *
     * @param timeout at least one second
     * @return this builder
     */
    public Builder ioTimeout(Duration timeout) {
      this.ioTimeout = atLeastASecond(timeout, "ioTimeout");
      return this;
    }

    /**
     * The OpenSSH {@code ProxyCommand} for hosts with a Cloudflare tunnel (default {@value
     * SshExecutor#DEFAULT_PROXY_COMMAND}); ssh expands {@code %h}, {@code %p}, {@code %r}. It may
     * not contain both kinds of quote.
     *
     * @param template the command
     * @return this builder
     */
    public Builder proxyCommand(String template) {
      Objects.requireNonNull(template, "template");
      if (template.isBlank() || (template.contains("'") && template.contains("\""))) {
        throw new IllegalArgumentException(
            "proxyCommand must be non-blank and not mix ' and \", was: " + template);
      }
      this.proxyCommand = template;
      return this;
    }

    /**
     * Compress on the wire with {@code -z} (default off: checkpoints and NPZ files are compressed
     * already, and compression costs CPU on both ends).
     *
     * @param compress whether to compress
     * @return this builder
     */
    public Builder compress(boolean compress) {
      this.compress = compress;
      return this;
    }

    /**
     * Transfers running at once; more queue (default 4).
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConcurrentTransfers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentTransfers must be at least 1, was " + max);
      }
      this.maxConcurrentTransfers = max;
      return this;
    }

    /**
     * Runs transfers (a thread each while rsync runs) and completes futures (default: an owned
     * cached pool of daemon threads). Never shut down by the transport.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Runs time limits (default: an owned single thread). Never shut down by the transport.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the transport. No process starts until a transfer does.
     *
     * @return a new transport
     */
    public RsyncTransport build() {
      return new RsyncTransport(this);
    }

    private static Duration atLeastASecond(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(what + " must be at least 1 s, was " + d);
      }
      return d;
    }
  }
}
