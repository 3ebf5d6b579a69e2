package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.monitor.ClusterMonitor;
import ai.ringrift.distributed.core.monitor.ClusterStatus;
import ai.ringrift.distributed.core.monitor.NodeStatus;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import ai.ringrift.distributed.health.breaker.CircuitState;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import ai.ringrift.distributed.transport.http.PeerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ClusterMonitor} behind {@link ClusterMonitor.Builder#build}. */
public final class DefaultClusterMonitor implements ClusterMonitor {
  private static final Logger log = LoggerFactory.getLogger(DefaultClusterMonitor.class);

  /**
   * What the builder collected.
   *
   * @param config cluster
   * @param authToken token or null (then from env)
   * @param env environment
   * @param timeout per host
   * @param maxConcurrent hosts at once
   * @param hosts host names or null for all
   * @param breakers local registry or null
   * @param executor client executor or null (owned by the client)
   * @param scheduler scheduler or null (owned)
   * @param clock clock
   */
  public record Settings(
      ClusterConfig config,
      @Nullable String authToken,
      Map<String, String> env,
      Duration timeout,
      int maxConcurrent,
      @Nullable List<String> hosts,
      @Nullable BreakerRegistry breakers,
      @Nullable ExecutorService executor,
      @Nullable ScheduledExecutorService scheduler,
      Clock clock) {}

  private final List<HostConfig> hosts;
  private final Duration timeout;
  private final @Nullable BreakerRegistry breakers;
  private final Clock clock;
  private final P2PSyncClient client;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final AsyncLimiter limiter;
  private final Set<WatchTask> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates the monitor.
   *
   * @param s settings
   * @throws IllegalArgumentException if a named host is not configured
   */
  public DefaultClusterMonitor(Settings s) {
    this.hosts = selectHosts(s.config(), s.hosts());
    this.timeout = s.timeout();
    this.breakers = s.breakers();
    this.clock = s.clock();
    this.limiter = new AsyncLimiter(s.maxConcurrent());
    Duration connect =
        s.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? s.timeout() : Duration.ofSeconds(10);
    P2PSyncClient.Builder cb =
        P2PSyncClient.builder()
            .env(s.env())
            .connectTimeout(connect)
            .requestTimeout(s.timeout())
            .readTimeout(s.timeout())
            .deadline(s.timeout())
            .retries(0, Duration.ofMillis(100), Duration.ofMillis(100));
    if (s.authToken() != null) {
      cb.authToken(s.authToken());
    }
    if (s.executor() != null) {
      cb.executor(s.executor());
    }
    if (s.scheduler() != null) {
      this.scheduler = s.scheduler();
      this.ownsScheduler = false;
    } else {
      ScheduledThreadPoolExecutor owned =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "ringrift-monitor");
                t.setDaemon(true);
                return t;
              });
      owned.setRemoveOnCancelPolicy(true);
      this.scheduler = owned;
      this.ownsScheduler = true;
    }
    this.client = cb.build();
  }

  private static List<HostConfig> selectHosts(ClusterConfig config, @Nullable List<String> names) {
    if (names == null) {
      return config.hosts();
    }
    List<HostConfig> out = new ArrayList<>();
    for (String n : names) {
      out.add(
          config
              .host(n)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "host "
                              + n
                              + " is not in the cluster config "
                              + config.source().map(Object::toString).orElse("(built in code)"))));
    }
    return List.copyOf(out);
  }

  @Override
  public CompletableFuture<ClusterStatus> clusterStatus() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("cluster monitor is closed"));
    }
    Instant start = clock.instant();
    List<CompletableFuture<NodeStatus>> parts = new ArrayList<>();
    for (HostConfig h : hosts) {
      parts.add(limiter.submit(() -> query(h)));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture<?>[]::new))
        .thenApply(
            v -> {
              List<NodeStatus> nodes = new ArrayList<>();
              for (CompletableFuture<NodeStatus> f : parts) {
                nodes.add(f.join());
              }
              return new ClusterStatus(
                  start, nodes, Duration.between(start, clock.instant()), localOpenBreakers());
            });
  }

  private List<String> localOpenBreakers() {
    if (breakers == null) {
      return List.of();
    }
    List<String> open = new ArrayList<>();
    for (CircuitBreaker b : breakers.breakers()) {
      if (b.state() == CircuitState.OPEN) {
        open.add(b.name());
      }
    }
    open.sort(null);
    return open;
  }

  private CompletableFuture<NodeStatus> query(HostConfig h) {
    RemoteHost rh = h.toRemoteHost();
    if (rh.addresses().isEmpty()) {
      return CompletableFuture.completedFuture(
          NodeStatus.offline(h.name(), "", "no address configured (ssh_host or tailscale_ip)"));
    }
    String host = rh.addresses().get(0);
    String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + rh.p2pPort();
    P2PSyncClient view;
    try {
      view = client.withPeer(host, rh.p2pPort());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          NodeStatus.offline(h.name(), address, "bad address: " + e.getMessage()));
    }
    CompletableFuture<NodeStatus> result = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer =
          scheduler.schedule(
              () ->
                  result.complete(
                      NodeStatus.offline(
                          h.name(), address, "no answer within " + timeout.toMillis() + " ms")),
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          NodeStatus.offline(h.name(), address, "monitor is closing"));
    }
    view.getStatus()
        .whenComplete(
            (s, e) -> {
              timer.cancel(false);
              if (e != null) {
                result.complete(NodeStatus.offline(h.name(), address, reason(e)));
              } else {
                result.complete(toNode(h.name(), address, s));
              }
            });
    return result;
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    if (msg == null || msg.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return msg;
  }

  static NodeStatus toNode(String name, String address, PeerStatus s) {
    Map<String, Object> f = s.fields();
    double usedPercent = Double.NaN;
    double freeGb = Double.NaN;
    if (f.get("disk") instanceof Map<?, ?> disk) {
      if (disk.get("used_percent") instanceof Number n) {
        usedPercent = n.doubleValue();
      }
      if (disk.get("free_bytes") instanceof Number n) {
        freeGb = n.doubleValue() / 1e9;
      }
    }
    long wal = f.get("wal_pending_entries") instanceof Number n ? n.longValue() : -1;
    List<String> open = new ArrayList<>();
    if (f.get("open_breakers") instanceof List<?> l) {
      for (Object o : l) {
        open.add(String.valueOf(o));
      }
    }
    return new NodeStatus(
        name,
        address,
        true,
        s.gameCount(),
        s.gameCounts(),
        usedPercent,
        freeGb,
        wal,
        open,
        s.version(),
        s.uptime(),
        null);
  }

  @Override
  public Watch watch(Duration interval, Consumer<? super ClusterStatus> listener) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("watch interval must be positive, was " + interval);
    }
    java.util.Objects.requireNonNull(listener, "listener");
    if (closed) {
      throw new IllegalStateException("cluster monitor is closed");
    }
    WatchTask w = new WatchTask(interval, listener);
    watches.add(w);
    w.schedule(Duration.ZERO);
    return w;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (WatchTask w : List.copyOf(watches)) {
      w.close();
    }
    client.close();
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "ClusterMonitor[hosts=" + hosts.size() + ", timeout=" + timeout + "]";
  }

  private final class WatchTask implements Watch {
    private final Duration interval;
    private final Consumer<? super ClusterStatus> listener;
    private final AtomicLong updates = new AtomicLong();
    private volatile boolean stopped;
    private volatile @Nullable ScheduledFuture<?> next;

    WatchTask(Duration interval, Consumer<? super ClusterStatus> listener) {
      this.interval = interval;
      this.listener = listener;
    }

    void schedule(Duration delay) {
      if (stopped) {
        return;
      }
      try {
        next = scheduler.schedule(this::poll, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        stopped = true;
        return;
      }
      if (stopped) {
        cancelNext();
      }
    }

    private void poll() {
      if (stopped) {
        return;
      }
      clusterStatus()
          .whenComplete(
              (s, e) -> {
                if (stopped) {
                  return;
                }
                if (e != null) {
                  log.warn("cluster monitor poll failed: {}", reason(e));
                } else {
                  try {
                    listener.accept(s);
                  } catch (RuntimeException ex) {
                    log.warn("cluster monitor listener threw", ex);
                  }
                  updates.incrementAndGet();
                }
                schedule(interval);
              });
    }

    private void cancelNext() {
      ScheduledFuture<?> n = next;
      if (n != null) {
        n.cancel(false);
      }
    }

    @Override
    public long updates() {
      return updates.get();
    }

    @Override
    public void close() {
      stopped = true;
      cancelNext();
      watches.remove(this);
    }
  }
}
