package ai.ringrift.distributed.transport.ssh.internal;

import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransportException;
import ai.ringrift.distributed.transport.ssh.CommandResult;
import ai.ringrift.distributed.transport.ssh.HostCommandResult;
import ai.ringrift.distributed.transport.ssh.HostMemory;
import ai.ringrift.distributed.transport.ssh.SshException;
import ai.ringrift.distributed.transport.ssh.SshException.Reason;
import ai.ringrift.distributed.transport.ssh.SshExecutor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SshExecutor} on Apache MINA SSHD; see the interface for the contract. */
public final class MinaSshExecutor implements SshExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(MinaSshExecutor.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final SshSettings settings;
  private final SshClient client;
  private final SessionPool pool;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final @Nullable ScheduledExecutorService ownedScheduler;
  private final Permits permits;
  private final ScheduledFuture<?> sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  /**
   * Starts the client.
   *
   * @param settings validated settings
   * @param executor the caller's executor, or {@code null} to own one
   * @param scheduler the caller's scheduler, or {@code null} to own one
   */
  public MinaSshExecutor(
      SshSettings settings,
      @Nullable Executor executor,
      @Nullable ScheduledExecutorService scheduler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    int id = INSTANCES.incrementAndGet();
    if (executor == null) {
      this.ownedExecutor = Executors.newCachedThreadPool(daemon("ringrift-ssh-" + id + "-worker-"));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = executor;
    }
    if (scheduler == null) {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, daemon("ringrift-ssh-" + id + "-timer-"));
      s.setRemoveOnCancelPolicy(true);
      this.ownedScheduler = s;
      this.scheduler = s;
    } else {
      this.ownedScheduler = null;
      this.scheduler = scheduler;
    }
    this.client = newClient(settings);
    this.pool = new SessionPool(client, settings);
    this.permits = new Permits(settings.maxConcurrentCommands(), this.executor);
    long sweep = Math.max(200, settings.idleTimeout().toMillis() / 2);
    this.sweeper =
        this.scheduler.scheduleWithFixedDelay(
            () -> this.executor.execute(pool::closeIdle), sweep, sweep, TimeUnit.MILLISECONDS);
  }

  private static SshClient newClient(SshSettings settings) {
    SshClient c = SshClient.setUpDefaultClient();
    // Exactly the host's key: no ~/.ssh/config, no default identities, no agent, no passwords.
    c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    c.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
    c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    c.setServerKeyVerifier(HostKeyVerifier.create(settings.knownHosts(), settings.hostKeyPolicy()));
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, Duration.ofSeconds(30));
    CoreModuleProperties.AUTH_TIMEOUT.set(c, settings.connectTimeout());
    c.start();
    return c;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public CompletableFuture<CommandResult> run(RemoteHost host, String command) {
    return run(host, command, settings.commandTimeout());
  }

  @Override
  public CompletableFuture<CommandResult> run(RemoteHost host, String command, Duration timeout) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedException(host));
      return result;
    }
    permits.submit(result, () -> execute(host, command, timeout, result));
    return result;
  }

  private void execute(
      RemoteHost host, String command, Duration timeout, CompletableFuture<CommandResult> result) {
    long start = System.nanoTime();
    AtomicReference<@Nullable ChannelExec> channel = new AtomicReference<>();
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                Futures.execute(
                    executor,
                    () -> {
                      if (result.completeExceptionally(
                          new SshException(
                              Reason.TIMEOUT,
                              "host "
                                  + host.name()
                                  + ": command did not finish within "
                                  + timeout
                                  + ": "
                                  + abbreviate(command),
                              host.name(),
                              null))) {
                        closeChannel(channel.get());
                      }
                    }),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    result.whenComplete(
        (r, e) -> {
          timer.cancel(false);
          if (e != null) {
            closeChannel(channel.get());
          }
        });
    SessionPool.Lease lease;
    try {
      lease = pool.acquire(host);
    } catch (SshException e) {
      result.completeExceptionally(e);
      return;
    }
    if (result.isDone()) {
      lease.release();
      return;
    }
    BoundedCapture out = new BoundedCapture(settings.maxOutputBytes());
    BoundedCapture err = new BoundedCapture(settings.maxOutputBytes());
    try {
      ChannelExec ch = lease.session().createExecChannel(command);
      ch.setOut(out);
      ch.setErr(err);
      channel.set(ch);
      ch.addCloseFutureListener(
          f ->
              Futures.execute(
                  executor, () -> finish(host, command, ch, lease, out, err, start, result)));
      if (result.isDone()) {
        closeChannel(ch);
        return;
      }
      ch.open().verify(settings.connectTimeout());
      ch.getInvertedIn().close(); // EOF on the command's stdin
    } catch (IOException | RuntimeException e) {
      lease.release();
      result.completeExceptionally(
          closed.get()
              ? closedException(host)
              : new SshException(
                  Reason.CHANNEL,
                  "host "
                      + host.name()
                      + " ("
                      + lease.target()
                      + "): could not start command: "
                      + e.getMessage(),
                  host.name(),
                  e));
    }
  }

  private void finish(
      RemoteHost host,
      String command,
      ChannelExec ch,
      SessionPool.Lease lease,
      BoundedCapture out,
      BoundedCapture err,
      long start,
      CompletableFuture<CommandResult> result) {
    lease.release();
    if (result.isDone()) {
      return;
    }
    Integer status = ch.getExitStatus();
    if (status == null && ch.getExitSignal() == null) {
      result.completeExceptionally(
          closed.get()
              ? closedException(host)
              : new SshException(
                  Reason.CHANNEL,
                  "host "
                      + host.name()
                      + " ("
                      + lease.target()
                      + "): the channel closed without"
                      + " an exit status (connection lost?) running: "
                      + abbreviate(command),
                  host.name(),
                  null));
      return;
    }
    result.complete(
        new CommandResult(
            host.name(),
            command,
            status != null ? status : -1,
            out.text(),
            err.text(),
            Duration.ofNanos(System.nanoTime() - start),
            out.truncated(),
            err.truncated()));
  }

  private static void closeChannel(@Nullable ChannelExec ch) {
    if (ch != null) {
      ch.close(true);
    }
  }

  @Override
  public CompletableFuture<List<HostCommandResult>> runParallel(
      Collection<RemoteHost> hosts, String command) {
    Objects.requireNonNull(hosts, "hosts");
    Objects.requireNonNull(command, "command");
    List<RemoteHost> list = List.copyOf(hosts);
    List<CompletableFuture<CommandResult>> runs = new ArrayList<>(list.size());
    List<CompletableFuture<HostCommandResult>> outcomes = new ArrayList<>(list.size());
    for (RemoteHost h : list) {
      CompletableFuture<CommandResult> f = run(h, command);
      runs.add(f);
      outcomes.add(
          f.handle(
              (r, e) ->
                  e == null
                      ? new HostCommandResult(h.name(), r, null)
                      : new HostCommandResult(h.name(), null, toSshException(h, e))));
    }
    CompletableFuture<List<HostCommandResult>> all =
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
            .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
    CompletableFuture<List<HostCommandResult>> result = new CompletableFuture<>();
    all.whenComplete(
        (r, e) -> {
          if (e == null) {
            result.complete(r);
          } else {
            result.completeExceptionally(e);
          }
        });
    result.whenComplete(
        (r, e) -> {
          if (result.isCancelled()) {
            runs.forEach(f -> f.cancel(true));
          }
        });
    return result;
  }

  private static SshException toSshException(RemoteHost h, Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof SshException s) {
      return s;
    }
    if (t instanceof CancellationException) {
      return new SshException(Reason.CANCELLED, "host " + h.name() + ": cancelled", h.name(), t);
    }
    return new SshException(Reason.CHANNEL, "host " + h.name() + ": " + t, h.name(), t);
  }

  @Override
  public CompletableFuture<HostMemory> detectHostMemory(RemoteHost host) {
    return Futures.map(
        run(host, MemoryParser.REMOTE_COMMAND),
        r -> {
          try {
            return MemoryParser.parse(host.name(), r.stdout());
          } catch (IllegalArgumentException e) {
            throw new TransportException(
                e.getMessage()
                    + " (exit "
                    + r.exitCode()
                    + ", stderr: "
                    + abbreviate(r.stderr())
                    + ")",
                host.name(),
                "ssh",
                TransportException.Fault.REQUEST,
                e);
          }
        },
        executor);
  }

  private static <T> CompletableFuture<T> unwrapped(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return CompletableFuture.failedFuture(t);
  }

  @Override
  public CompletableFuture<HostMemory> detectLocalMemory() {
    return CompletableFuture.supplyAsync(MinaSshExecutor::localMemory, executor)
        .exceptionallyCompose(MinaSshExecutor::unwrapped);
  }

  static HostMemory localMemory() {
    String meminfo;
    try {
      meminfo = Files.readString(Path.of("/proc/meminfo"));
    } catch (IOException e) {
      throw new TransportException(
          "cannot read /proc/meminfo of the local host: " + e,
          HostMemory.LOCAL,
          "ssh",
          TransportException.Fault.REQUEST,
          e);
    }
    return MemoryParser.parse(HostMemory.LOCAL, meminfo, localNvidiaSmi());
  }

  private static String localNvidiaSmi() {
    String path = System.getenv("PATH");
    if (path == null) {
      return "";
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path exe = Path.of(dir, "nvidia-smi");
      if (Files.isExecutable(exe)) {
        try {
          Process p =
              new ProcessBuilder(List.of("/bin/sh", "-c", MemoryParser.NVIDIA_SMI))
                  .redirectError(ProcessBuilder.Redirect.DISCARD)
                  .start();
          byte[] outBytes = p.getInputStream().readNBytes(1 << 20);
          if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
          }
          return new String(outBytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
          LOG.debug("nvidia-smi failed: {}", e.toString());
          return "";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "";
        }
      }
    }
    return "";
  }

  /** The number of open pooled connections (for tests). */
  public int openConnections() {
    return pool.openSessions();
  }

  private static SshException closedException(RemoteHost host) {
    return new SshException(Reason.CLOSED, "SSH executor is closed", host.name(), null);
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (!closed.compareAndSet(false, true)) {
      return closeFuture;
    }
    sweeper.cancel(false);
    Thread t =
        new Thread(
            () -> {
              try {
                pool.close();
                client.stop();
              } catch (RuntimeException e) {
                LOG.warn("error closing the SSH client: {}", e.toString());
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
            "ringrift-ssh-close");
    t.setDaemon(true);
    t.start();
    return closeFuture;
  }

  @Override
  public void close() {
    closeAsync().join();
  }
}
