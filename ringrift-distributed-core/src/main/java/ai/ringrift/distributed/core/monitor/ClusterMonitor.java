package ai.ringrift.distributed.core.monitor;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.internal.DefaultClusterMonitor;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Asks every configured host for its {@code GET /status} and gathers the answers into a {@link
 * ClusterStatus} (the seed README's {@code ClusterMonitor}).
 *
 * <pre>{@code
 * try (ClusterMonitor monitor = ClusterMonitor.builder(config).build()) {
 *   ClusterStatus status = monitor.clusterStatus().join();
 *   System.out.print(ClusterStatusFormat.text(status));
 * }
 * }</pre>
 *
 * <p>Threads: the HTTP calls run on the client executor (owned cached daemon pool unless {@link
 * Builder#executor} is set); timeouts and {@link #watch} polls run on the scheduler (one owned
 * daemon thread {@code ringrift-monitor} unless {@link Builder#scheduler} is set). Close stops
 * every watch and the owned threads; it never shuts down injected executors.
 */
public interface ClusterMonitor extends AutoCloseable {

  /**
   * Starts a builder for the hosts of {@code config}.
   *
   * @param config the cluster
   * @return a builder with the defaults named on its setters
   */
  static Builder builder(ClusterConfig config) {
    return new Builder(config);
  }

  /**
   * Queries every host concurrently (at most {@link Builder#maxConcurrent} at once), each bounded
   * by the per-node timeout. A host that does not answer, answers with an error, or has no address
   * is {@link NodeStatus#online() offline} with the reason; the future itself never fails for that.
   * It completes on a client or scheduler thread; it fails with {@link IllegalStateException} only
   * if the monitor is closed.
   *
   * @return the status of the cluster
   */
  CompletableFuture<ClusterStatus> clusterStatus();

  /**
   * Polls {@link #clusterStatus} now and then every {@code interval} after each poll completes
   * (polls never overlap), handing each status to {@code listener} on a scheduler or client thread.
   * A listener that throws is logged and keeps receiving updates. Closing the handle (or the
   * monitor) stops polling; a poll already running is delivered no more.
   *
   * @param interval time between the end of one poll and the start of the next; positive
   * @param listener receives each status, one at a time
   * @return the handle that stops the watch
   * @throws IllegalStateException if the monitor is closed
   */
  Watch watch(Duration interval, Consumer<? super ClusterStatus> listener);

  /** Stops every watch and the threads the monitor owns. Idempotent. */
  @Override
  void close();

  /** A running {@link #watch}; closing it stops the polling. */
  interface Watch extends AutoCloseable {
    /**
     * Statuses delivered so far.
     *
     * @return the count
     */
    long updates();

    /** Stops polling. Idempotent. */
    @Override
    void close();
  }

  /** Builds a {@link ClusterMonitor}; each setter validates its value. */
  final class Builder {
    private final ClusterConfig config;
    private @Nullable String authToken;
    private Map<String, String> env = System.getenv();
    private Duration timeout = Duration.ofSeconds(15);
    private int maxConcurrent = 16;
    private @Nullable List<String> hosts;
    private @Nullable BreakerRegistry breakers;
    private @Nullable ExecutorService executor;
    private @Nullable ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();

    private Builder(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The cluster token sent as {@code Authorization: Bearer}. Default: {@code
     * RINGRIFT_CLUSTER_AUTH_TOKEN} or {@code RINGRIFT_CLUSTER_AUTH_TOKEN_FILE} of {@link #env}.
     *
     * @param token not blank; never logged
     * @return this builder
     */
    public Builder authToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("auth token must not be blank");
      }
      this.authToken = token;
      return this;
    }

    /**
     * The environment read for the token. Default: this process's.
     *
     * @param env variables
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    /**
     * How long one host may take to answer (connect included). Default 15 s, as Python's {@code
     * --timeout}.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Hosts queried at once. Default 16.
     *
     * @param n 1 to 1024
     * @return this builder
     */
    public Builder maxConcurrent(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("maxConcurrent must be 1..1024, was " + n);
      }
      this.maxConcurrent = n;
      return this;
    }

    /**
     * Only these hosts (by config name), in this order. Default: every configured host.
     *
     * @param names host names; each must be in the config (checked by {@link #build})
     * @return this builder
     */
    public Builder hosts(List<String> names) {
      List<String> copy = List.copyOf(names);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("hosts must not be empty");
      }
      this.hosts = copy;
      return this;
    }

    /**
     * This process's breakers: their open ones are reported in {@link
     * ClusterStatus#localOpenBreakers()}. Default: none.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder breakers(BreakerRegistry registry) {
      this.breakers = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The executor the HTTP calls run on. Not shut down by the monitor. Default: an owned cached
     * pool of daemon threads.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The scheduler for timeouts and watch polls. Not shut down by the monitor. Default: one owned
     * daemon thread.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The clock for timestamps and query times. Default: system UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the monitor.
     *
     * @return the monitor
     * @throws IllegalArgumentException if a name given to {@link #hosts} is not in the config
     */
    public ClusterMonitor build() {
      return new DefaultClusterMonitor(
          new DefaultClusterMonitor.Settings(
              config,
              authToken,
              env,
              timeout,
              maxConcurrent,
              hosts,
              breakers,
              executor,
              scheduler,
              clock));
    }
  }
}
