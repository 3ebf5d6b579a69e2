package ai.ringrift.distributed.core;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.internal.DefaultSyncCoordinator;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.storage.StoragePaths;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.wal.UnifiedWal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The entry point for every sync, as the seed's {@code SyncCoordinator}: pulls a category into this
 * node from its peers, brings the whole cluster to the union of games and the newest files, pushes
 * single files, and recovers syncs a crash interrupted.
 *
 * <pre>{@code
 * try (SyncCoordinator coordinator = SyncCoordinator.builder()
 *         .cluster(ClusterConfig.fromEnvironment().join())
 *         .nodeName("gh200-a")
 *         .paths(StoragePaths.standard(Path.of("/data/ringrift"), Path.of("/tmp")))
 *         .gameStore(store).wal(wal).breakers(breakers)
 *         .build()) {
 *   coordinator.recoverPending().join();                 // on startup: the WAL's leftovers
 *   SyncStats games = coordinator.sync(SyncCategory.GAMES).join();
 *   ClusterSyncStats all = coordinator.fullClusterSync(EnumSet.allOf(SyncCategory.class),
 *       Duration.ofMinutes(10)).join();
 *   System.out.println("Synced " + all.totalFiles() + " files to " + all.nodesSynced() + " nodes");
 * }
 * }</pre>
 *
 * <p><b>Peers</b> are the {@link ClusterConfig#readyHosts() ready hosts} of the configuration other
 * than this node, reached over HTTP at their first address and P2P port. Each call to a peer runs
 * behind that peer's {@link BreakerRegistry#hostBreaker host breaker}: a peer whose breaker is open
 * is skipped and reported, not tried.
 *
 * <p><b>What moves.</b> {@link SyncCategory#GAMES}: completed games after the cursor this node
 * keeps per peer (persisted under {@code <sync staging>/cursors}); the cursor advances only once
 * the games are committed locally. {@link SyncCategory#MODELS} and {@link
 * SyncCategory#TRAINING_DATA}: manifests are compared by SHA-256; a file this node lacks, or whose
 * peer copy differs and is newer (mtime), is downloaded, verified and installed atomically; nothing
 * is ever deleted. {@link SyncCategory#CONFIGS}: taken from the hosts whose role is {@code
 * coordinator} (or, in a full cluster sync, from this node).
 *
 * <p><b>Journal.</b> Every sync with one peer appends {@code SYNC_STARTED} (payload {@code
 * category}, {@code peer}, {@code op}, {@code node}) to the WAL before it starts, commits it after
 * it succeeded and rolls it back when it failed; {@link #recoverPending()} deals with what a crash
 * left between.
 *
 * <p><b>Threads and failures.</b> Blocking work runs on the coordinator's executor (owned, or
 * injected with {@link Builder#executor}); futures complete on that executor or on the thread of
 * the component that finished last (the store, WAL or HTTP client executors), never on a Netty I/O
 * thread. Sync methods report per-peer failures inside their stats; their future fails (with {@link
 * SyncException}) only when the coordinator is closed or this node's own storage fails.
 */
public interface SyncCoordinator extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a builder with the defaults named on its setters
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this coordinator's settings (not its running state), to build another one.
   *
   * @return a new builder
   */
  Builder toBuilder();

  /**
   * This node's name, as in the cluster configuration.
   *
   * @return the name
   */
  String nodeName();

  /**
   * Pulls one category into this node from every reachable ready peer.
   *
   * @param category what to pull
   * @return files (games for {@code GAMES}) and bytes moved, with one error line per failed peer
   */
  CompletableFuture<SyncStats> sync(SyncCategory category);

  /**
   * Pulls new games from every reachable ready peer; same as {@code sync(SyncCategory.GAMES)}.
   *
   * @return what moved
   */
  default CompletableFuture<SyncStats> syncGames() {
    return sync(SyncCategory.GAMES);
  }

  /**
   * Brings every reachable node to the union of games and the newest files of each category: first
   * pulls everything into this node, then asks each peer to pull what it lacks from this node
   * (files with {@code POST /sync/pull}, games with {@code POST /sync/games}). At most {@code
   * maxConcurrentSyncs} peers are worked on at once.
   *
   * @param categories the categories; empty means all
   * @param timeout the whole operation's budget ({@link Duration#ZERO}: the configuration's {@code
   *     sync.timeout}); peers not done by then are reported failed, and in the pull phase each
   *     exchange with a peer may take at most half of it
   * @return totals, nodes synced, failed nodes with reasons, per-category stats
   */
  CompletableFuture<ClusterSyncStats> fullClusterSync(
      Set<SyncCategory> categories, Duration timeout);

  /**
   * A full cluster sync of every category within the configuration's sync timeout.
   *
   * @return the stats
   */
  default CompletableFuture<ClusterSyncStats> fullClusterSync() {
    return fullClusterSync(EnumSet.allOf(SyncCategory.class), Duration.ZERO);
  }

  /**
   * Copies a local file to {@code host}: the host is asked to pull it from this node. The file must
   * lie under one of this node's category roots (models, training data, configs), and {@code
   * remotePath} is {@code CATEGORY/PATH} with the same relative path.
   *
   * @param localPath the file
   * @param remotePath e.g. {@code models/hex8_2p/best.pth}
   * @param host the destination
   * @return what moved; fails with the transport's exception
   */
  CompletableFuture<TransferResult> pushFile(Path localPath, String remotePath, RemoteHost host);

  /**
   * Deals with the {@code SYNC_STARTED} entries a crash left pending: a pull from a peer that is
   * configured and reachable is run again and committed; anything else is rolled back (a sync is
   * idempotent, so nothing is lost). Call once on startup, before the first sync.
   *
   * @return what was done with each entry, in WAL order
   */
  CompletableFuture<List<RecoveredSync>> recoverPending();

  /**
   * Per-peer game cursors this node holds, for diagnostics.
   *
   * @return peer name to cursor text
   */
  Map<String, String> cursors();

  /**
   * Stops accepting syncs, waits for running ones to finish, and stops the executors the
   * coordinator owns. Never closes the store, WAL or breakers it was given. Idempotent.
   *
   * @return completes when closed
   */
  CompletableFuture<Void> closeAsync();

  /** Closes and waits; see {@link #closeAsync()}. */
  @Override
  void close();

  /** Builds a {@link SyncCoordinator}. Every setter validates its argument. */
  final class Builder {
    @Nullable ClusterConfig cluster;
    @Nullable String nodeName;
    @Nullable StoragePaths paths;
    @Nullable GameStore gameStore;
    @Nullable UnifiedWal wal;
    @Nullable BreakerRegistry breakers;
    @Nullable ExecutorService executor;
    @Nullable ScheduledExecutorService scheduler;
    Clock clock = Clock.systemUTC();
    @Nullable String authToken;
    Map<String, String> env = System.getenv();
    @Nullable String advertiseHost;
    int advertisePort;

    Builder() {}

    private Builder(Builder b) {
      cluster = b.cluster;
      nodeName = b.nodeName;
      paths = b.paths;
      gameStore = b.gameStore;
      wal = b.wal;
      breakers = b.breakers;
      executor = b.executor;
      scheduler = b.scheduler;
      clock = b.clock;
      authToken = b.authToken;
      env = b.env;
      advertiseHost = b.advertiseHost;
      advertisePort = b.advertisePort;
    }

    /**
     * The cluster: its ready hosts are the peers, its sync settings the limits. Required.
     *
     * @param cluster the configuration
     * @return this builder
     */
    public Builder cluster(ClusterConfig cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    /**
     * This node's name in the configuration; it is never its own peer. Required.
     *
     * @param name the name
     * @return this builder
     */
    public Builder nodeName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("nodeName must not be blank");
      }
      this.nodeName = name.strip();
      return this;
    }

    /**
     * This node's directories. Required (or {@link #root}).
     *
     * @param paths the paths
     * @return this builder
     */
    public Builder paths(StoragePaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
      return this;
    }

    /**
     * This node's root directory, laid out as {@link StoragePaths#standard}, scratch in {@code
     * <root>/scratch}.
     *
     * @param root the directory
     * @return this builder
     */
    public Builder root(Path root) {
      Objects.requireNonNull(root, "root");
      this.paths = StoragePaths.standard(root, root.resolve("scratch"));
      return this;
    }

    /**
     * The store pulled games are imported into and pushed games read from. Required; not closed by
     * the coordinator.
     *
     * @param store the store over {@code paths.games()}
     * @return this builder
     */
    public Builder gameStore(GameStore store) {
      this.gameStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The journal. Required; not closed by the coordinator.
     *
     * @param wal the WAL
     * @return this builder
     */
    public Builder wal(UnifiedWal wal) {
      this.wal = Objects.requireNonNull(wal, "wal");
      return this;
    }

    /**
     * The breakers, one per peer. Default: {@link BreakerRegistry#ofDefaults()}.
     *
     * @param breakers the registry
     * @return this builder
     */
    public Builder breakers(BreakerRegistry breakers) {
      this.breakers = Objects.requireNonNull(breakers, "breakers");
      return this;
    }

    /**
     * The executor for blocking work (file hashing, waits on peers). Never shut down by the
     * coordinator. Default: an owned pool of daemon threads {@code ringrift-sync-N}.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The scheduler for timeouts. Never shut down by the coordinator. Default: an owned daemon
     * thread {@code ringrift-sync-timer}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The clock for durations and export names. Default: the UTC system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The cluster token sent to peers. Default: {@code RINGRIFT_CLUSTER_AUTH_TOKEN} (or {@code
     * _FILE}) from {@link #env}. Never logged.
     *
     * @param token the token
     * @return this builder
     */
    public Builder authToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("authToken must not be blank");
      }
      this.authToken = token.strip();
      return this;
    }

    /**
     * The environment read for the token when none is set. Default: this process's.
     *
     * @param env variables
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    /**
     * The address and port at which peers reach this node's P2P service (to pull from it). Default:
     * this node's first address and P2P port in the configuration.
     *
     * @param host the address
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder advertise(String host, int port) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("bad advertised address " + host + ":" + port);
      }
      this.advertiseHost = host.strip();
      this.advertisePort = port;
      return this;
    }

    /**
     * A copy of this builder.
     *
     * @return the copy
     */
    public Builder copy() {
      return new Builder(this);
    }

    /**
     * Builds the coordinator. Nothing is contacted yet.
     *
     * @return the coordinator
     * @throws IllegalStateException if a required setting is missing or this node is not in the
     *     configuration and no advertised address is set
     */
    public SyncCoordinator build() {
      if (cluster == null
          || nodeName == null
          || paths == null
          || gameStore == null
          || wal == null) {
        throw new IllegalStateException(
            "cluster, nodeName, paths (or root), gameStore and wal are required");
      }
      String host = advertiseHost;
      int port = advertisePort;
      if (host == null) {
        var self =
            cluster
                .host(nodeName)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "node "
                                + nodeName
                                + " is not in the cluster configuration and no advertise(host,"
                                + " port) is set"));
        RemoteHost rh = self.toRemoteHost();
        host = rh.addresses().get(0);
        port = rh.p2pPort();
      }
      return new DefaultSyncCoordinator(
          new DefaultSyncCoordinator.Settings(
              new Builder(this),
              cluster,
              nodeName,
              paths,
              gameStore,
              wal,
              breakers != null ? breakers : BreakerRegistry.ofDefaults(),
              executor,
              scheduler,
              clock,
              authToken,
              env,
              host,
              port));
    }
  }
}
