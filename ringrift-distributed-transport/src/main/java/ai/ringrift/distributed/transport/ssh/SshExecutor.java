package ai.ringrift.distributed.transport.ssh;

import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.ssh.internal.MinaSshExecutor;
import ai.ringrift.distributed.transport.ssh.internal.SshSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Runs commands on cluster hosts over SSH (Apache MINA SSHD inside), the Java form of the Python
 * {@code SSHExecutor}.
 *
 * <ul>
 *   <li><b>Addresses.</b> A host's {@link RemoteHost#addresses()} are tried in order (Tailscale IP,
 *       then SSH host); if none accepts a TCP connection and the host has a Cloudflare tunnel, the
 *       connection goes through the proxy command (default {@value #DEFAULT_PROXY_COMMAND}, the
 *       service token passed as {@code TUNNEL_SERVICE_TOKEN_ID}/{@code TUNNEL_SERVICE_TOKEN_SECRET}
 *       in its environment, never on its command line or in logs). A host-key or authentication
 *       failure stops the search: it is not an address problem.
 *   <li><b>Keys.</b> Only {@link RemoteHost#sshKey()} is offered; no agent, no default identities,
 *       no password or keyboard-interactive. Host keys are checked against {@link
 *       Builder#knownHosts(Path)} under the {@link HostKeyPolicy}; a refusal names host, address
 *       and the key's SHA-256 fingerprint.
 *   <li><b>Connections</b> are pooled per user, address, port and key, carry at most {@link
 *       Builder#maxChannelsPerConnection(int)} commands at once, and are closed after {@link
 *       Builder#idleTimeout(Duration)} without use.
 *   <li><b>Threads.</b> Connecting blocks one of the executor's worker threads; the returned
 *       futures complete on those workers, never on a MINA I/O thread. At most {@link
 *       Builder#maxConcurrentCommands(int)} commands run at once; the rest queue.
 *   <li><b>Failures</b> fail the future with {@link SshException} (not wrapped); a non-zero exit
 *       code is a normal {@link CommandResult}. Cancelling a future closes the command's channel.
 * </ul>
 *
 * <p>Thread-safe. Close it to release connections and threads; close is idempotent and fails
 * commands still running with {@link SshException.Reason#CLOSED}.
 */
public interface SshExecutor extends AutoCloseable {
  /** The proxy command for hosts with a Cloudflare tunnel; {@code %h} is the tunnel hostname. */
  String DEFAULT_PROXY_COMMAND = "cloudflared access ssh --hostname %h";

  /**
   * Starts a builder with the defaults listed on its setters.
   *
   * @return a builder
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code command} on {@code host} with the default command timeout.
   *
   * @param host the host
   * @param command a shell command line, run by the remote user's login shell
   * @return the result, whatever the exit code; failed with {@link SshException} if the command
   *     could not run to completion
   */
  CompletableFuture<CommandResult> run(RemoteHost host, String command);

  /**
   * Runs {@code command} on {@code host}; once {@code timeout} has passed (connection included),
   * the channel is closed and the future fails with {@link SshException.Reason#TIMEOUT}.
   *
   * @param host the host
   * @param command a shell command line
   * @param timeout a positive time limit
   * @return the result, whatever the exit code
   */
  CompletableFuture<CommandResult> run(RemoteHost host, String command, Duration timeout);

  /**
   * Runs {@code command} on every host, at most {@link Builder#maxConcurrentCommands(int)} at once.
   * The future never fails for one host's failure: each host gets a {@link HostCommandResult}.
   * Cancelling it cancels every command still queued or running.
   *
   * @param hosts the hosts, possibly repeated
   * @param command a shell command line
   * @return one outcome per host, in the order given
   */
  CompletableFuture<List<HostCommandResult>> runParallel(
      Collection<RemoteHost> hosts, String command);

  /**
   * Reads a remote host's memory: {@code /proc/meminfo} and, when installed, {@code nvidia-smi}.
   *
   * @param host the host
   * @return its memory; failed with {@link SshException} if the host cannot be reached, or with a
   *     {@link ai.ringrift.distributed.transport.TransportException} if it has no {@code
   *     /proc/meminfo}
   */
  CompletableFuture<HostMemory> detectHostMemory(RemoteHost host);

  /**
   * Reads this machine's memory the same way, on the executor's workers.
   *
   * @return the memory, with host {@value HostMemory#LOCAL}
   */
  CompletableFuture<HostMemory> detectLocalMemory();

  /**
   * Closes every connection and fails commands still running.
   *
   * @return completes once connections are closed and owned threads stopped
   */
  CompletableFuture<Void> closeAsync();

  /** Closes and waits; see {@link #closeAsync()}. */
  @Override
  void close();

  /** Builds an {@link SshExecutor}; setters validate their value. */
  final class Builder {
    private Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    private HostKeyPolicy hostKeyPolicy = HostKeyPolicy.STRICT;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration commandTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxOutputBytes = 1 << 20;
    private int maxConcurrentCommands = 32;
    private int maxChannelsPerConnection = 8;
    private String proxyCommand = DEFAULT_PROXY_COMMAND;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * The known_hosts file host keys are checked against (default {@code ~/.ssh/known_hosts}). With
     * {@link HostKeyPolicy#ACCEPT_NEW} new keys are appended to it (it is created if missing).
     *
     * @param knownHosts the file
     * @return this builder
     */
    public Builder knownHosts(Path knownHosts) {
      this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
      return this;
    }

    /**
     * What to do with unknown host keys (default {@link HostKeyPolicy#STRICT}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder hostKeyPolicy(HostKeyPolicy policy) {
      this.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Time limit for one TCP connection, key exchange and authentication, per address (default 10
     * s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Default time limit of {@link #run(RemoteHost, String)} (default 30 s, as {@code
     * RINGRIFT_SSH_DEFAULT_TIMEOUT}).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /**
     * How long an unused connection stays open (default 60 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * Bytes kept of each of stdout and stderr (default 1 MiB); the rest is counted and dropped.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder maxOutputBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxOutputBytes must be at least 1, was " + bytes);
      }
      this.maxOutputBytes = bytes;
      return this;
    }

    /**
     * Commands running at once over all hosts (default 32); more queue.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConcurrentCommands(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentCommands must be at least 1, was " + max);
      }
      this.maxConcurrentCommands = max;
      return this;
    }

    /**
     * Commands sharing one connection at once (default 8, below OpenSSH's {@code MaxSessions} 10);
     * more open another connection to the same host.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxChannelsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException(
            "maxChannelsPerConnection must be at least 1, was " + max);
      }
      this.maxChannelsPerConnection = max;
      return this;
    }

    /**
     * The proxy command for hosts with a Cloudflare tunnel, run by {@code /bin/sh -c}; {@code %h}
     * is replaced by the tunnel hostname, {@code %p} by the SSH port, {@code %r} by the user
     * (default {@value SshExecutor#DEFAULT_PROXY_COMMAND}). It must relay its stdin and stdout to
     * the host's SSH server, as an OpenSSH {@code ProxyCommand} does.
     *
     * @param template the command template
     * @return this builder
     */
    public Builder proxyCommand(String template) {
      Objects.requireNonNull(template, "template");
      if (template.isBlank()) {
        throw new IllegalArgumentException("proxyCommand must not be blank");
      }
      this.proxyCommand = template;
      return this;
    }

    /**
     * Runs connections and completes futures (default: an owned cached pool of daemon threads, shut
     * down on close). A caller's executor is never shut down; it needs a thread per command in
     * flight, since connecting blocks.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Runs timeouts and the idle sweep (default: an owned single thread, shut down on close).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds and starts the executor (the SSH client starts; no connection is made yet).
     *
     * @return a new executor
     */
    public SshExecutor build() {
      return new MinaSshExecutor(
          new SshSettings(
              knownHosts,
              hostKeyPolicy,
              connectTimeout,
              commandTimeout,
              idleTimeout,
              maxOutputBytes,
              maxConcurrentCommands,
              maxChannelsPerConnection,
              proxyCommand),
          executor,
          scheduler);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
