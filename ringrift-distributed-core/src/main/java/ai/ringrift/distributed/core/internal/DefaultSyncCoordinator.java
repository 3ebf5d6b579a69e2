package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.ClusterSyncStats;
import ai.ringrift.distributed.core.RecoveredSync;
import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.core.SyncCoordinator;
import ai.ringrift.distributed.core.SyncException;
import ai.ringrift.distributed.core.SyncStats;
import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.storage.StoragePaths;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.http.HttpTransport;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalEntry;
import ai.ringrift.distributed.wal.WalEntryType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncCoordinator}: orchestration (peers, bounded concurrency, breakers, the WAL
 * journal, timeouts). What moves per category is in {@link PeerSync}.
 */
public final class DefaultSyncCoordinator implements SyncCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSyncCoordinator.class);

  /**
   * Everything the builder collected.
   *
   * @param builder a copy of the builder, for {@code toBuilder()}
   * @param cluster the cluster
   * @param nodeName this node
   * @param paths this node's directories
   * @param store the game store
   * @param wal the journal
   * @param breakers the breakers
   * @param executor the injected executor, or null
   * @param scheduler the injected scheduler, or null
   * @param clock the clock
   * @param authToken the token, or null for the environment's
   * @param env the environment
   * @param advertiseHost where peers reach this node
   * @param advertisePort its P2P port
   */
  public record Settings(
      SyncCoordinator.Builder builder,
      ClusterConfig cluster,
      String nodeName,
      StoragePaths paths,
      GameStore store,
      UnifiedWal wal,
      BreakerRegistry breakers,
      @Nullable ExecutorService executor,
      @Nullable ScheduledExecutorService scheduler,
      Clock clock,
      @Nullable String authToken,
      Map<String, String> env,
      String advertiseHost,
      int advertisePort) {}

  private final Settings s;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final P2PSyncClient client;
  private final HttpTransport transport;
  private final AsyncLimiter limiter;
  private final PeerSync peerSync;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  /**
   * Creates the coordinator (use {@link SyncCoordinator#builder()}).
   *
   * @param s the settings
   */
  public DefaultSyncCoordinator(Settings s) {
    this.s = s;
    this.ownsExecutor = s.executor() == null;
    this.executor =
        ownsExecutor ? Executors.newCachedThreadPool(threads("ringrift-sync-")) : s.executor();
    this.ownsScheduler = s.scheduler() == null;
    this.scheduler =
        ownsScheduler
            ? Executors.newSingleThreadScheduledExecutor(threads("ringrift-sync-timer-"))
            : s.scheduler();
    P2PSyncClient.Builder cb = P2PSyncClient.builder().env(s.env());
    if (s.authToken() != null) {
      cb.authToken(s.authToken());
    }
    this.client = cb.build();
    this.transport =
        HttpTransport.builder()
            .client(client)
            .advertise(s.nodeName(), s.advertiseHost(), s.advertisePort())
            .build();
    this.limiter = new AsyncLimiter(s.cluster().sync().maxConcurrentSyncs());
    this.peerSync = new PeerSync(s, new PeerCursors(s.paths().syncStaging().resolve("cursors")));
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public SyncCoordinator.Builder toBuilder() {
    return s.builder().copy();
  }

  @Override
  public String nodeName() {
    return s.nodeName();
  }

  @Override
  public Map<String, String> cursors() {
    return peerSync.cursors().pullCursors();
  }

  /** The ready peers of the configuration, this node excluded. */
  List<Peer> peers() {
    List<Peer> out = new ArrayList<>();
    for (HostConfig h : s.cluster().readyHosts()) {
      if (h.name().equals(s.nodeName()) || !h.p2pEnabled()) {
        continue;
      }
      RemoteHost rh = h.toRemoteHost();
      out.add(
          new Peer(
              h.name(),
              rh,
              client.withPeer(rh.addresses().get(0), rh.p2pPort()),
              h.role().map("coordinator"::equalsIgnoreCase).orElse(false)));
    }
    return out;
  }

  // ---- public operations -------------------------------------------------------------------

  @Override
  public CompletableFuture<SyncStats> sync(SyncCategory category) {
    java.util.Objects.requireNonNull(category, "category");
    return track(
        () -> {
          List<Peer> peers = peers();
          if (category == SyncCategory.CONFIGS) {
            peers = peers.stream().filter(Peer::coordinatorRole).toList();
          }
          return pullCategory(category, peers, new ConcurrentHashMap<>(), null);
        });
  }

  @Override
  public CompletableFuture<ClusterSyncStats> fullClusterSync(
      Set<SyncCategory> categories, Duration timeout) {
    java.util.Objects.requireNonNull(categories, "categories");
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    Set<SyncCategory> cats =
        categories.isEmpty() ? EnumSet.allOf(SyncCategory.class) : EnumSet.copyOf(categories);
    Duration budget = timeout.isZero() ? s.cluster().sync().timeout() : timeout;
    return track(() -> runFullSync(cats, budget));
  }

  @Override
  public CompletableFuture<TransferResult> pushFile(
      Path localPath, String remotePath, RemoteHost host) {
    java.util.Objects.requireNonNull(localPath, "localPath");
    java.util.Objects.requireNonNull(remotePath, "remotePath");
    java.util.Objects.requireNonNull(host, "host");
    return track(
        () ->
            s.breakers()
                .hostBreaker(host.name())
                .execute(
                    () ->
                        journaled(
                            null,
                            host.name(),
                            "push_file",
                            () ->
                                transport.push(
                                    host,
                                    TransferRequest.builder(localPath, remotePath).build()))));
  }

  @Override
  public CompletableFuture<List<RecoveredSync>> recoverPending() {
    return track(() -> CompletableFuture.supplyAsync(this::recoverBlocking, executor));
  }

  // ---- pull ---------------------------------------------------------------------------------

  /**
   * Pulls a category from {@code peers} into this node; per-peer failures become error lines and
   * entries in {@code failed}.
   */
  private CompletableFuture<SyncStats> pullCategory(
      SyncCategory c, List<Peer> peers, Map<String, String> failed, @Nullable Duration opTimeout) {
    Instant start = s.clock().instant();
    if (c == SyncCategory.GAMES) {
      List<CompletableFuture<SyncStats>> parts = new ArrayList<>();
      for (Peer p : peers) {
        parts.add(
            within(opTimeout, guarded(p, c, "pull", () -> onExecutor(() -> peerSync.pullGames(p))))
                .handle((st, e) -> e == null ? st : failure(c, p, "pull", e, failed)));
      }
      return sum(c, parts, start);
    }
    // Files: every peer's manifest first, then the newest version of each path from one peer.
    Map<Peer, ai.ringrift.distributed.transport.http.FileManifest> manifests =
        new ConcurrentHashMap<>();
    List<CompletableFuture<SyncStats>> reads = new ArrayList<>();
    for (Peer p : peers) {
      reads.add(
          within(
                  opTimeout,
                  limiter.submit(
                      () ->
                          s.breakers()
                              .hostBreaker(p.name())
                              .execute(() -> p.client().getManifest(Categories.wireName(c)))))
              .handle(
                  (m, e) -> {
                    if (e != null) {
                      return failure(c, p, "manifest", e, failed);
                    }
                    manifests.put(p, m);
                    return SyncStats.empty(c);
                  }));
    }
    return sum(c, reads, start)
        .thenCompose(
            readStats ->
                onExecutor(() -> peerSync.planDownloads(c, manifests))
                    .thenCompose(
                        plan -> {
                          List<CompletableFuture<SyncStats>> parts = new ArrayList<>();
                          parts.add(CompletableFuture.completedFuture(readStats));
                          for (var e : plan.entrySet()) {
                            Peer p = e.getKey();
                            parts.add(
                                guarded(
                                        p,
                                        c,
                                        "pull",
                                        () ->
                                            onExecutor(() -> peerSync.download(c, p, e.getValue())))
                                    .handle(
                                        (st, ex) ->
                                            ex == null ? st : failure(c, p, "pull", ex, failed)));
                          }
                          return sum(c, parts, start);
                        }));
  }

  // ---- full cluster sync -------------------------------------------------------------------

  private CompletableFuture<ClusterSyncStats> runFullSync(Set<SyncCategory> cats, Duration budget) {
    Instant start = s.clock().instant();
    List<Peer> peers = peers();
    Map<String, String> failed = new ConcurrentHashMap<>();
    Map<SyncCategory, SyncStats> stats = new ConcurrentHashMap<>();
    Set<String> finished = ConcurrentHashMap.newKeySet();
    CompletableFuture<ClusterSyncStats> result = new CompletableFuture<>();

    // Phase 1: pull every category into this node (CONFIGS: this node's copy is the reference).
    // Each exchange with a peer in phase 1 may take at most half the budget: a peer that hangs
    // fails (and is left out of the later categories), so the others still get phase 2.
    Duration opTimeout = budget.dividedBy(2);
    CompletableFuture<Void> phase1 = CompletableFuture.completedFuture(null);
    for (SyncCategory c : cats) {
      if (c == SyncCategory.CONFIGS) {
        continue;
      }
      phase1 =
          phase1.thenCompose(
              x ->
                  pullCategory(
                          c,
                          peers.stream().filter(p -> !failed.containsKey(p.name())).toList(),
                          failed,
                          opTimeout)
                      .thenAccept(st -> stats.merge(c, st, SyncStats::plus)));
    }
    // Phase 2: each peer pulls from this node what it lacks, category by category.
    CompletableFuture<Void> all =
        phase1.thenCompose(
            x -> {
              List<CompletableFuture<Void>> pushes = new ArrayList<>();
              for (Peer p : peers) {
                if (failed.containsKey(p.name())) {
                  continue;
                }
                pushes.add(
                    limiter.submit(
                        () -> {
                          CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                          for (SyncCategory c : cats) {
                            chain =
                                chain.thenCompose(
                                    y ->
                                        failed.containsKey(p.name())
                                            ? CompletableFuture.completedFuture(null)
                                            : guardedNoLimit(
                                                    p,
                                                    c,
                                                    "push",
                                                    () -> onExecutor(() -> peerSync.push(c, p)))
                                                .handle(
                                                    (st, e) -> {
                                                      SyncStats r =
                                                          e == null
                                                              ? st
                                                              : failure(c, p, "push", e, failed);
                                                      stats.merge(c, r, SyncStats::plus);
                                                      return null;
                                                    }));
                          }
                          return chain.thenRun(() -> finished.add(p.name()));
                        }));
              }
              return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new));
            });
    all.whenComplete(
        (v, e) -> {
          if (e != null) {
            result.completeExceptionally(
                new SyncException(
                    "full cluster sync failed: " + Futures.reason(e), Futures.unwrap(e)));
          } else {
            result.complete(clusterStats(peers, failed, stats, cats, start, Set.of()));
          }
        });
    var timer =
        scheduler.schedule(
            () -> {
              Set<String> late = new java.util.HashSet<>();
              for (Peer p : peers) {
                if (!finished.contains(p.name())) {
                  late.add(p.name());
                }
              }
              if (result.complete(clusterStats(peers, failed, stats, cats, start, late))) {
                all.cancel(true);
                LOG.warn("full cluster sync timed out after {}", budget);
              }
            },
            budget.toMillis(),
            TimeUnit.MILLISECONDS);
    result.whenComplete((v, e) -> timer.cancel(false));
    return result;
  }

  /** Builds the cluster stats; on a timeout every peer not failed yet is reported as late. */
  private ClusterSyncStats clusterStats(
      List<Peer> peers,
      Map<String, String> failed,
      Map<SyncCategory, SyncStats> stats,
      Set<SyncCategory> cats,
      Instant start,
      Set<String> timedOut) {
    Map<String, String> failedNodes = new LinkedHashMap<>();
    for (Peer p : peers) {
      String why = failed.get(p.name());
      if (why == null && timedOut.contains(p.name())) {
        why = "timed out: not synced when the full cluster sync's time budget ran out";
      }
      if (why != null) {
        failedNodes.put(p.name(), why);
      }
    }
    Map<SyncCategory, SyncStats> per = new EnumMap<>(SyncCategory.class);
    long files = 0;
    long bytes = 0;
    for (SyncCategory c : cats) {
      SyncStats st = stats.getOrDefault(c, SyncStats.empty(c));
      per.put(c, st);
      files += st.filesTransferred();
      bytes += st.bytesTransferred();
    }
    int synced = peers.size() - failedNodes.size() + 1; // this node included
    Duration d = Duration.between(start, s.clock().instant());
    return new ClusterSyncStats(files, bytes, synced, failedNodes, per, d);
  }

  // ---- recovery ------------------------------------------------------------------------------

  private List<RecoveredSync> recoverBlocking() {
    List<RecoveredSync> out = new ArrayList<>();
    Map<String, Peer> byName = new LinkedHashMap<>();
    for (Peer p : peers()) {
      byName.put(p.name(), p);
    }
    for (WalEntry e : s.wal().pendingEntries(WalEntryType.SYNC_STARTED)) {
      String peerName = "";
      String op = "";
      SyncCategory cat = null;
      String detail;
      boolean resumed = false;
      try {
        JsonNode j = e.json();
        peerName = j.path("peer").asText("");
        op = j.path("op").asText("");
        cat = Categories.parse(j.path("category").asText("")).orElse(null);
        Peer p = byName.get(peerName);
        if (cat == null || p == null || !(op.equals("pull") || op.equals("push"))) {
          detail =
              "nothing to resume: "
                  + (p == null ? "peer '" + peerName + "' is not a ready peer" : "payload " + j);
        } else {
          SyncCategory c = cat;
          String o = op;
          SyncStats st =
              Futures.await(
                  s.breakers()
                      .hostBreaker(p.name())
                      .execute(
                          () ->
                              onExecutor(
                                  () ->
                                      o.equals("push")
                                          ? peerSync.push(c, p)
                                          : c == SyncCategory.GAMES
                                              ? peerSync.pullGames(p)
                                              : peerSync.pullFilesFrom(c, p))));
          resumed = true;
          detail =
              "re-ran: " + st.filesTransferred() + " moved, " + st.bytesTransferred() + " bytes";
        }
      } catch (RuntimeException ex) {
        detail = "re-run failed: " + Futures.reason(ex);
      }
      try {
        Futures.await(resumed ? s.wal().commit(e.id()) : s.wal().rollback(e.id()));
      } catch (RuntimeException ex) {
        throw new SyncException(
            "cannot resolve WAL entry " + e.id() + ": " + Futures.reason(ex), ex);
      }
      LOG.info(
          "recovered WAL entry {} ({} {} {}): {} - {}",
          e.id(),
          op,
          cat,
          peerName,
          resumed ? "resumed" : "rolled back",
          detail);
      out.add(
          new RecoveredSync(
              e.id(),
              cat,
              peerName,
              op,
              resumed ? RecoveredSync.Action.RESUMED : RecoveredSync.Action.ROLLED_BACK,
              detail));
    }
    return out;
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** Behind the limiter and the peer's breaker, journaled in the WAL. */
  private <T> CompletableFuture<T> guarded(
      Peer p, SyncCategory c, String op, Supplier<CompletableFuture<T>> work) {
    return limiter.submit(() -> guardedNoLimit(p, c, op, work));
  }

  private <T> CompletableFuture<T> guardedNoLimit(
      Peer p, SyncCategory c, String op, Supplier<CompletableFuture<T>> work) {
    return s.breakers().hostBreaker(p.name()).execute(() -> journaled(c, p.name(), op, work));
  }

  /** Appends SYNC_STARTED, runs, then commits, or rolls back and fails with the work's failure. */
  private <T> CompletableFuture<T> journaled(
      @Nullable SyncCategory c, String peer, String op, Supplier<CompletableFuture<T>> work) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("category", c == null ? "" : c.name());
    payload.put("peer", peer);
    payload.put("op", op);
    payload.put("node", s.nodeName());
    return s.wal()
        .appendJson(WalEntryType.SYNC_STARTED, payload)
        .thenCompose(
            id -> {
              CompletableFuture<T> w;
              try {
                w = work.get();
              } catch (RuntimeException e) {
                w = CompletableFuture.failedFuture(e);
              }
              return w.handle(
                      (v, e) ->
                          e == null
                              ? s.wal().commit(id).thenApply(x -> v)
                              : s.wal()
                                  .rollback(id)
                                  .handle(
                                      (x, e2) -> {
                                        throw new java.util.concurrent.CompletionException(
                                            Futures.unwrap(e));
                                      })
                                  .thenApply(x -> v))
                  .thenCompose(f -> f);
            });
  }

  /**
   * {@code f}, or a {@link SyncException} "timed out" once {@code timeout} passed (the work itself
   * is abandoned, not cancelled: it is journaled and idempotent).
   */
  private <T> CompletableFuture<T> within(@Nullable Duration timeout, CompletableFuture<T> f) {
    if (timeout == null) {
      return f;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    var timer =
        scheduler.schedule(
            () ->
                out.completeExceptionally(
                    new SyncException(
                        "timed out after "
                            + timeout.toMillis() / 1000.0
                            + " s (its share of the"
                            + " full sync's budget)")),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    f.whenComplete(
        (v, e) -> {
          timer.cancel(false);
          if (e != null) {
            out.completeExceptionally(Futures.unwrap(e));
          } else {
            out.complete(v);
          }
        });
    return out;
  }

  private <T> CompletableFuture<T> onExecutor(Supplier<T> blocking) {
    return CompletableFuture.supplyAsync(blocking, executor);
  }

  private SyncStats failure(
      SyncCategory c, Peer p, String what, Throwable e, Map<String, String> failed) {
    String reason =
        what + " " + c.name().toLowerCase(java.util.Locale.ROOT) + ": " + Futures.reason(e);
    LOG.warn("sync with {} failed: {}", p.name(), reason);
    failed.putIfAbsent(p.name(), reason);
    return new SyncStats(c, 0, 0, Duration.ZERO, List.of(p.name() + ": " + reason));
  }

  private CompletableFuture<SyncStats> sum(
      SyncCategory c, List<CompletableFuture<SyncStats>> parts, Instant start) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              long files = 0;
              long bytes = 0;
              List<String> errors = new ArrayList<>();
              for (CompletableFuture<SyncStats> f : parts) {
                SyncStats st = f.join();
                files += st.filesTransferred();
                bytes += st.bytesTransferred();
                errors.addAll(st.errors());
              }
              return new SyncStats(
                  c, files, bytes, Duration.between(start, s.clock().instant()), errors);
            });
  }

  /** Runs an operation unless closed, and remembers it until it completes (close waits). */
  private <T> CompletableFuture<T> track(Supplier<CompletableFuture<T>> op) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new SyncException("sync coordinator of " + s.nodeName() + " is closed"));
    }
    CompletableFuture<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    running.add(out);
    f.whenComplete(
        (v, e) -> {
          running.remove(out);
          if (e == null) {
            out.complete(v);
          } else {
            Throwable c = Futures.unwrap(e);
            out.completeExceptionally(
                c instanceof SyncException
                        || c instanceof java.util.concurrent.CancellationException
                        || c instanceof ai.ringrift.distributed.transport.TransportException
                        || c instanceof ai.ringrift.distributed.health.breaker.CircuitOpenException
                    ? c
                    : new SyncException(s.nodeName() + ": " + Futures.reason(c), c));
          }
        });
    return out;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (closed.compareAndSet(false, true)) {
      List<CompletableFuture<?>> wait = new ArrayList<>(running);
      CompletableFuture.allOf(wait.toArray(CompletableFuture[]::new))
          .handle((v, e) -> null)
          .whenComplete(
              (v, e) -> {
                try {
                  transport.close();
                  client.close();
                } finally {
                  if (ownsScheduler) {
                    scheduler.shutdownNow();
                  }
                  if (ownsExecutor) {
                    executor.shutdown();
                  }
                  closeFuture.complete(null);
                }
              });
    }
    return closeFuture.copy();
  }

  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return "SyncCoordinator{"
        + s.nodeName()
        + ", peers="
        + Collections.unmodifiableList(peers().stream().map(Peer::name).toList())
        + "}";
  }
}
