package ai.ringrift.distributed.transport.http;

import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import ai.ringrift.distributed.health.breaker.CircuitState;
import ai.ringrift.distributed.transport.RemoteHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Pulls games from a primary peer and, when it cannot deliver enough, from fallbacks in order; the
 * seed README's {@code P2PFallbackSync(primary, fallbacks, timeout)} and {@code
 * pull_games(board_type, min_games)}, done as games (not rsync of database files). Hosts whose
 * breaker is open are skipped without a connection; every attempt goes through the host's breaker
 * (only host faults count). Each host's cursor is kept (in memory, or in a {@link CursorStore}) so
 * the next call moves only new games.
 *
 * <p>Thread-safe; calls run one host at a time. Futures complete on the client's executor.
 */
public final class P2PFallbackSync {
  /** Where the per-host cursors live between calls (and processes). */
  public interface CursorStore {
    /**
     * The cursor saved for a key.
     *
     * @param host the host's name, followed by {@code /BOARD} when the pull was for one board
     * @return the cursor, or empty for the start
     */
    String load(String host);

    /**
     * Saves a cursor, called after the games before it are stored.
     *
     * @param host the key: the host's name, followed by {@code /BOARD} for a one-board pull
     * @param cursor the cursor
     */
    void save(String host, String cursor);
  }

  /**
   * What one {@link #pullGames} call did.
   *
   * @param gamesByHost games newly stored, per host that served (in the order tried)
   * @param totalGames their sum
   * @param skipped hosts skipped because their breaker was open
   * @param failures hosts that failed, with the reason
   * @param satisfied whether at least {@code minGames} were stored
   */
  public record Result(
      Map<String, Long> gamesByHost,
      long totalGames,
      List<String> skipped,
      Map<String, String> failures,
      boolean satisfied) {
    /**
     * Copies the collections.
     *
     * @param gamesByHost per host
     * @param totalGames sum
     * @param skipped skipped hosts
     * @param failures failed hosts
     * @param satisfied whether enough
     */
    public Result {
      gamesByHost = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gamesByHost));
      skipped = List.copyOf(skipped);
      failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }
  }

  private final List<RemoteHost> hosts;
  private final Duration timeout;
  private final P2PSyncClient client;
  private final GameSink sink;
  private final BreakerRegistry breakers;
  private final CursorStore cursors;

  private P2PFallbackSync(Builder b) {
    List<RemoteHost> h = new ArrayList<>();
    h.add(b.primary);
    h.addAll(b.fallbacks);
    this.hosts = List.copyOf(h);
    this.timeout = b.timeout;
    this.client = Objects.requireNonNull(b.client, "client");
    this.sink = Objects.requireNonNull(b.sink, "sink");
    this.breakers = b.breakers != null ? b.breakers : BreakerRegistry.ofDefaults();
    this.cursors = b.cursors != null ? b.cursors : memoryCursors();
  }

  /**
   * Starts a builder; {@link Builder#client} and {@link Builder#sink} are required.
   *
   * @param primary the host tried first
   * @param fallbacks the hosts tried next, in order
   * @param timeout the time budget of one host's pull
   * @return a builder
   */
  public static Builder builder(RemoteHost primary, List<RemoteHost> fallbacks, Duration timeout) {
    return new Builder(primary, fallbacks, timeout);
  }

  /**
   * Pulls games of {@code boardType} (all boards if {@code null}) until at least {@code minGames}
   * new games are stored or every host was tried. A host that fails or is skipped is reported, not
   * thrown: the future fails only on a programmer error.
   *
   * @param boardType e.g. {@code hex8}, or {@code null}
   * @param minGames stop trying further hosts once this many are stored (0: try only until one host
   *     answers)
   * @return what each host served
   */
  public CompletableFuture<Result> pullGames(@Nullable String boardType, long minGames) {
    if (minGames < 0) {
      throw new IllegalArgumentException("minGames must be >= 0, was " + minGames);
    }
    Map<String, Long> served = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
    for (RemoteHost h : hosts) {
      chain =
          chain.thenCompose(
              total -> {
                if (total >= minGames && (!served.isEmpty() || minGames > 0)) {
                  return CompletableFuture.completedFuture(total);
                }
                CircuitBreaker br = breakers.hostBreaker(h.name());
                if (br.state() == CircuitState.OPEN) {
                  skipped.add(h.name());
                  return CompletableFuture.completedFuture(total);
                }
                // A cursor moves past games its filter skipped: keep one per host and board filter.
                String key = boardType == null ? h.name() : h.name() + "/" + boardType;
                String cursor = cursors.load(key);
                P2PSyncClient peer = client.withPeer(h.addresses().get(0), h.p2pPort());
                return br.execute(
                        () ->
                            peer.pullGamesSince(cursor, sink, boardType, 0, Long.MAX_VALUE)
                                .orTimeout(
                                    timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .handle(
                        (r, t) -> {
                          if (t == null) {
                            cursors.save(key, r.cursor());
                            served.put(h.name(), r.imported());
                            return total + r.imported();
                          }
                          Throwable c =
                              t instanceof CompletionException && t.getCause() != null
                                  ? t.getCause()
                                  : t;
                          failures.put(
                              h.name(),
                              String.valueOf(c.getMessage() != null ? c.getMessage() : c));
                          return total;
                        });
              });
    }
    return chain.thenApply(
        total ->
            new Result(served, total, skipped, failures, total >= minGames && !served.isEmpty()));
  }

  private static CursorStore memoryCursors() {
    Map<String, String> m = new ConcurrentHashMap<>();
    return new CursorStore() {
      @Override
      public String load(String host) {
        return m.getOrDefault(host, "");
      }

      @Override
      public void save(String host, String cursor) {
        m.put(host, cursor);
      }
    };
  }

  /** Builds a {@link P2PFallbackSync}. */
  public static final class Builder {
    private final RemoteHost primary;
    private final List<RemoteHost> fallbacks;
    private final Duration timeout;
    private @Nullable P2PSyncClient client;
    private @Nullable GameSink sink;
    private @Nullable BreakerRegistry breakers;
    private @Nullable CursorStore cursors;

    private Builder(RemoteHost primary, List<RemoteHost> fallbacks, Duration timeout) {
      this.primary = Objects.requireNonNull(primary, "primary");
      this.fallbacks = List.copyOf(fallbacks);
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
    }

    /**
     * The client (token, TLS, timeouts). Required; not closed.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(P2PSyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Where games go. Required.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder sink(GameSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The breakers (default: a new registry with the defaults).
     *
     * @param breakers the registry
     * @return this builder
     */
    public Builder breakers(BreakerRegistry breakers) {
      this.breakers = Objects.requireNonNull(breakers, "breakers");
      return this;
    }

    /**
     * Where cursors persist (default: in memory, for this object's life).
     *
     * @param cursors the store
     * @return this builder
     */
    public Builder cursors(CursorStore cursors) {
      this.cursors = Objects.requireNonNull(cursors, "cursors");
      return this;
    }

    /**
     * Builds it.
     *
     * @return the fallback sync
     * @throws NullPointerException if the client or the sink is missing
     */
    public P2PFallbackSync build() {
      return new P2PFallbackSync(this);
    }
  }
}
