package ai.ringrift.distributed.core;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.internal.Categories;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthChecker;
import ai.ringrift.distributed.health.HealthChecks;
import ai.ringrift.distributed.health.HealthSummary;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import ai.ringrift.distributed.health.breaker.CircuitState;
import ai.ringrift.distributed.storage.StoragePaths;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.P2PServer;
import ai.ringrift.distributed.wal.UnifiedWal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the cluster in a JVM: its directories, game store, WAL, breakers, P2P service, health
 * checks and {@link SyncCoordinator}, started together and closed together.
 *
 * <pre>{@code
 * try (RingRiftNode node = RingRiftNode.builder("gh200-a", Path.of("/data/ringrift"))
 *         .cluster(ClusterConfig.fromEnvironment().join())
 *         .start().join()) {
 *   node.coordinator().recoverPending().join();
 *   node.coordinator().fullClusterSync().join();
 *   System.out.println(HealthReports.formatHealthReport(node.health().join()));
 * }
 * }</pre>
 *
 * <p><b>What the P2P service serves:</b> games from the store ({@link GameSource#of}), {@code POST
 * /sync/games} into the store ({@link GameSink#of}; its per-source cursors under {@code <sync
 * staging>/cursors}, shared with the coordinator's own pulls), the categories {@code models},
 * {@code training} and {@code configs} from the node's directories, the Python cluster's {@code GET
 * /sync/file?path=games/...} relative to {@code <root>/data}, and in {@code GET /status} the WAL
 * backlog ({@code wal_pending_entries}) and the open breakers ({@code open_breakers}). <b>Health
 * checks:</b> {@code disk} (the root's file system), {@code memory}, {@code wal_backlog}.
 *
 * <p><b>Shutdown order</b> ({@link #close()}, idempotent; each step runs even if an earlier one
 * failed): 1. the coordinator (no new syncs; waits for running ones, whose WAL commits still land);
 * 2. the P2P service (peers can no longer pull from this node); 3. the health checker; 4. the game
 * store; 5. the WAL, last, so every commit or rollback of the steps before is durable. The breakers
 * hold no threads.
 */
public final class RingRiftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RingRiftNode.class);

  private final String name;
  private final StoragePaths paths;
  private final GameStore store;
  private final UnifiedWal wal;
  private final BreakerRegistry breakers;
  private final P2PServer server;
  private final HealthChecker health;
  private final SyncCoordinator coordinator;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private RingRiftNode(
      String name,
      StoragePaths paths,
      GameStore store,
      UnifiedWal wal,
      BreakerRegistry breakers,
      P2PServer server,
      HealthChecker health,
      SyncCoordinator coordinator) {
    this.name = name;
    this.paths = paths;
    this.store = store;
    this.wal = wal;
    this.breakers = breakers;
    this.server = server;
    this.health = health;
    this.coordinator = coordinator;
  }

  /**
   * Starts a builder for the node {@code name} rooted at {@code root} ({@link
   * StoragePaths#standard} layout, scratch in {@code <root>/scratch}).
   *
   * @param name the node's name in the cluster configuration
   * @param root its root directory
   * @return the builder
   */
  public static Builder builder(String name, Path root) {
    return new Builder(name, root);
  }

  /**
   * @return this node's name
   */
  public String name() {
    return name;
  }

  /**
   * @return this node's directories
   */
  public StoragePaths paths() {
    return paths;
  }

  /**
   * @return the game store (closed with the node)
   */
  public GameStore gameStore() {
    return store;
  }

  /**
   * @return the WAL (closed with the node)
   */
  public UnifiedWal wal() {
    return wal;
  }

  /**
   * @return the breakers
   */
  public BreakerRegistry breakers() {
    return breakers;
  }

  /**
   * @return the port the P2P service listens on
   */
  public int port() {
    return server.port();
  }

  /**
   * @return the health checker
   */
  public HealthChecker healthChecker() {
    return health;
  }

  /**
   * @return the coordinator
   */
  public SyncCoordinator coordinator() {
    return coordinator;
  }

  /**
   * Runs every health check.
   *
   * @return the summary; completes on a checker thread
   */
  public CompletableFuture<HealthSummary> health() {
    return health.runChecks();
  }

  /**
   * Closes in the order in the class comment. Idempotent: a second call returns a future that
   * completes when the first close finished.
   *
   * @return completes when everything is closed
   */
  public CompletableFuture<Void> closeAsync() {
    if (!closed.compareAndSet(false, true)) {
      return closeFuture.copy();
    }
    coordinator
        .closeAsync()
        .handle((v, e) -> log("coordinator", e))
        .thenCompose(x -> server.closeAsync().handle((v, e) -> log("P2P service", e)))
        .thenCompose(x -> health.closeAsync().handle((v, e) -> log("health checker", e)))
        .thenCompose(x -> store.closeAsync().handle((v, e) -> log("game store", e)))
        .thenCompose(x -> wal.closeAsync().handle((v, e) -> log("WAL", e)))
        .whenComplete((x, e) -> closeFuture.complete(null));
    return closeFuture.copy();
  }

  private Void log(String what, @Nullable Throwable e) {
    if (e != null) {
      LOG.warn("node {}: closing the {} failed: {}", name, what, e.toString());
    }
    return null;
  }

  /** Closes and waits; see {@link #closeAsync()}. */
  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return "RingRiftNode{" + name + " " + paths.root() + "}";
  }

  /** Builds and starts a {@link RingRiftNode}. */
  public static final class Builder {
    private final String name;
    private final Path root;
    private @Nullable ClusterConfig cluster;
    private String bind = "127.0.0.1";
    private int port = -1;
    private @Nullable String authToken;
    private @Nullable Map<String, String> env;
    private Clock clock = Clock.systemUTC();
    private @Nullable BreakerRegistry breakers;
    private boolean insecure;

    private Builder(String name, Path root) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("node name must not be blank");
      }
      this.name = name.strip();
      this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * The cluster; required. The node's own entry gives its P2P port and advertised address.
     *
     * @param cluster the configuration
     * @return this builder
     */
    public Builder cluster(ClusterConfig cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    /**
     * The address the P2P service binds. Default {@code 127.0.0.1}.
     *
     * @param host the address
     * @return this builder
     */
    public Builder bind(String host) {
      this.bind = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The P2P port. Default: this node's {@code p2p_port} in the configuration.
     *
     * @param port 0 (any free port) to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The cluster token, for the service and the coordinator. Default: the environment's.
     *
     * @param token the token
     * @return this builder
     */
    public Builder authToken(String token) {
      this.authToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * The environment read for the token and the port. Default: this process's.
     *
     * @param env variables
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    /**
     * Serve without a token beyond loopback (see {@link P2PServer.Builder#insecure}).
     *
     * @param insecure whether to allow it
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The clock. Default: UTC system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The breakers. Default: a registry with the configuration's threshold and recovery time.
     *
     * @param breakers the registry
     * @return this builder
     */
    public Builder breakers(BreakerRegistry breakers) {
      this.breakers = Objects.requireNonNull(breakers, "breakers");
      return this;
    }

    /**
     * Opens the store and the WAL (recovering it), starts the P2P service and builds the
     * coordinator. Nothing is synced: call {@link SyncCoordinator#recoverPending()} next.
     *
     * @return the running node; fails with {@link SyncException} (cause: the component's exception)
     *     if a component cannot start, after closing what had started
     */
    public CompletableFuture<RingRiftNode> start() {
      if (cluster == null) {
        throw new IllegalStateException("cluster is required");
      }
      ClusterConfig cfg = cluster;
      @Nullable HostConfig self = cfg.host(name).orElse(null);
      int p = port >= 0 ? port : self != null ? self.p2pPort() : P2PServer.DEFAULT_PORT;
      Map<String, String> environment = env != null ? env : System.getenv();
      StoragePaths paths = StoragePaths.standard(root, root.resolve("scratch"));
      List<AutoCloseable> opened = new ArrayList<>();
      try {
        for (Path d :
            List.of(
                paths.games(),
                paths.models(),
                paths.training(),
                paths.configs(),
                paths.syncStaging(),
                paths.scratch(),
                paths.syncStaging().resolve("cursors"))) {
          Files.createDirectories(d);
        }
        UnifiedWal wal = UnifiedWal.open(paths.wal());
        opened.add(wal);
        GameStore store = GameStore.builder(paths.games()).clock(clock).build();
        opened.add(store);
        BreakerRegistry br =
            breakers != null
                ? breakers
                : BreakerRegistry.builder().clock(clock).environment(environment).build();
        P2PServer.Builder sb =
            P2PServer.builder()
                .env(environment)
                .bind(bind)
                .port(p)
                .nodeId(name)
                .clock(clock)
                .insecure(insecure)
                .gameSource(GameSource.of(store))
                .gameSink(GameSink.of(store))
                .cursorDir(paths.syncStaging().resolve("cursors"))
                .dataDir(paths.games().getParent())
                .category(Categories.wireName(SyncCategory.MODELS), paths.models())
                .category(Categories.wireName(SyncCategory.TRAINING_DATA), paths.training())
                .category(Categories.wireName(SyncCategory.CONFIGS), paths.configs())
                .statusContributor(
                    () -> {
                      Map<String, Object> m = new LinkedHashMap<>();
                      m.put("wal_pending_entries", wal.stats().pendingEntries());
                      List<String> open = new ArrayList<>();
                      for (CircuitBreaker b : br.breakers()) {
                        if (b.state() == CircuitState.OPEN) {
                          open.add(b.name());
                        }
                      }
                      m.put("open_breakers", open);
                      return m;
                    });
        if (authToken != null) {
          sb.authToken(authToken);
        }
        P2PServer server = sb.build();
        opened.add(server);
        HealthCheckConfig hc =
            HealthCheckConfig.builder().dataDirectories(List.of(paths.root())).build();
        HealthChecker checker = HealthChecker.builder().clock(clock).build();
        opened.add(checker);
        checker.addCheck("disk", HealthChecks.diskSpace(hc));
        checker.addCheck("memory", HealthChecks.memory(hc));
        checker.addCheck(
            "wal_backlog",
            HealthChecks.backlog(
                "WAL entries",
                () -> wal.stats().pendingEntries(),
                hc.backlogDegraded(),
                hc.backlogUnhealthy()));
        return server
            .start()
            .thenApply(
                addr -> {
                  SyncCoordinator.Builder cb =
                      SyncCoordinator.builder()
                          .cluster(cfg)
                          .nodeName(name)
                          .paths(paths)
                          .gameStore(store)
                          .wal(wal)
                          .breakers(br)
                          .clock(clock)
                          .env(environment);
                  if (authToken != null) {
                    cb.authToken(authToken);
                  }
                  String advertised =
                      self != null && !self.toRemoteHost().addresses().isEmpty()
                          ? self.toRemoteHost().addresses().get(0)
                          : addr.getAddress().getHostAddress();
                  cb.advertise(advertised, server.port());
                  return new RingRiftNode(name, paths, store, wal, br, server, checker, cb.build());
                })
            .exceptionallyCompose(
                e -> {
                  closeAll(opened);
                  Throwable c = e.getCause() != null ? e.getCause() : e;
                  return CompletableFuture.failedFuture(
                      new SyncException(
                          "node " + name + " could not start on " + bind + ":" + p + ": " + c, c));
                });
      } catch (IOException e) {
        closeAll(opened);
        return CompletableFuture.failedFuture(
            new SyncException(
                "node " + name + ": cannot create its directories under " + root,
                new UncheckedIOException(e)));
      } catch (RuntimeException e) {
        closeAll(opened);
        return CompletableFuture.failedFuture(
            new SyncException("node " + name + " could not start: " + e.getMessage(), e));
      }
    }

    private static void closeAll(List<AutoCloseable> opened) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          LOG.debug("closing after a failed start: {}", e.toString());
        }
      }
    }
  }
}
