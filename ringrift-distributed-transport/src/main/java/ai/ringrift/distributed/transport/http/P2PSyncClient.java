package ai.ringrift.distributed.transport.http;

import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.http.internal.ClientCore;
import ai.ringrift.distributed.transport.http.internal.ClusterToken;
import ai.ringrift.distributed.transport.http.internal.GameClient;
import ai.ringrift.distributed.transport.http.internal.PeerCalls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The client of one peer's P2P service: status, games, manifests and verified, resumable file
 * downloads. The seed README's {@code P2PSyncClient(host, port)} in Java form.
 *
 * <pre>{@code
 * try (P2PSyncClient peer = P2PSyncClient.builder().peer("10.0.0.7", 8770).build()) {
 *   long games = peer.getStatus().join().gameCount();
 *   GamePullResult r = peer.pullGamesSince(cursorFor("10.0.0.7"), sink).join();
 *   saveCursor("10.0.0.7", r.cursor());
 *   peer.downloadFile("models", "hex8_2p/best.pth", Path.of("models/hex8_2p/best.pth")).join();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe. No method blocks; each future completes on the client's executor
 * (owned, or {@link Builder#executor injected}), never on an I/O thread. <b>Failures</b> fail the
 * future with a {@link P2PException} (not wrapped): {@link P2PException.Unauthorized}, {@link
 * P2PException.NotFound}, {@link P2PException.ServerError}, {@link P2PException.Timeout}, {@link
 * P2PException.ChecksumMismatch}, or the {@link P2PException.Kind kind} of the rest. Idempotent
 * calls (every read, and downloads) are retried with exponential backoff and jitter on host faults,
 * within the deadline; {@link #requestPull} is not retried. <b>Cancelling</b> a future aborts its
 * exchange; a download's partial file stays for the next attempt.
 *
 * <p>Uses the JDK's {@code java.net.http.HttpClient} (HTTP/1.1): no Netty on the client side, one
 * connection pool shared by every {@link #withPeer view} of a client.
 */
public final class P2PSyncClient implements AutoCloseable {
  private final ClientCore core;
  private final boolean ownsCore;
  private final @Nullable URI base;
  private final GameClient games;
  private final PeerCalls calls;

  private P2PSyncClient(
      ClientCore core, boolean ownsCore, @Nullable URI base, int pageSize, int importBatch) {
    this.core = core;
    this.ownsCore = ownsCore;
    this.base = base;
    this.calls = new PeerCalls(core, base);
    this.games = new GameClient(calls, pageSize, importBatch);
  }

  /**
   * Starts a builder with the defaults named on its setters.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client of another peer sharing this one's connection pool, executor and settings. Closing the
   * view does nothing; closing this client closes every view.
   *
   * @param peer the peer's base URI, e.g. {@code http://10.0.0.7:8770}
   * @return the view
   */
  public P2PSyncClient withPeer(URI peer) {
    return new P2PSyncClient(core, false, checkBase(peer), games.pageSize(), games.importBatch());
  }

  /**
   * A view of the peer at {@code host:port} over plain HTTP (HTTPS if this client has TLS).
   *
   * @param host the address
   * @param port the port
   * @return the view
   */
  public P2PSyncClient withPeer(String host, int port) {
    return withPeer(uri(host, port, core.settings().sslContext() != null));
  }

  /**
   * The peer's base URI.
   *
   * @return the URI
   * @throws IllegalStateException if this client has no peer
   */
  public URI peer() {
    if (base == null) {
      throw new IllegalStateException("this P2PSyncClient has no peer: use withPeer(...)");
    }
    return base;
  }

  /**
   * Whether the peer answers {@code GET /health} with 200 within the request timeout. Never fails.
   *
   * @return true if healthy
   */
  public CompletableFuture<Boolean> checkHealth() {
    return calls.health();
  }

  /**
   * The peer's {@code GET /status}.
   *
   * @return its status
   */
  public CompletableFuture<PeerStatus> getStatus() {
    return calls.status();
  }

  /**
   * The peer's served games per config ({@code GET /game_counts}).
   *
   * @return counts by config key
   */
  public CompletableFuture<Map<String, Long>> getGameCounts() {
    return calls.gameCounts();
  }

  /**
   * One page of the peer's games after a cursor ({@code GET /games/ids}).
   *
   * @param cursor the cursor; empty for the start
   * @param limit 1 to 10,000
   * @param boardType only this board type, or {@code null}
   * @param numPlayers only this many players, or 0
   * @return the page
   */
  public CompletableFuture<GamePage> listGames(
      String cursor, int limit, @Nullable String boardType, int numPlayers) {
    return games.list(cursor, limit, boardType, numPlayers);
  }

  /**
   * The games with these ids (those the peer has), collected in memory: for a few games. Use {@link
   * #pullGamesSince} for bulk.
   *
   * @param gameIds up to 10,000 ids
   * @return the games found
   */
  public CompletableFuture<List<GamePayload>> getGames(List<String> gameIds) {
    return games.get(gameIds);
  }

  /**
   * Pulls every game the peer lists after {@code cursor} that {@code sink} lacks, streaming them
   * into the sink in batches; the seed README's {@code pull_games_since}. Keep the returned cursor
   * for the next pull from this peer. A failure part-way loses nothing: games stored stay stored,
   * and the next pull from the old cursor skips them (the sink reports them present).
   *
   * @param cursor where the last pull from this peer ended; empty for the start
   * @param sink where games go
   * @return what moved, and the next cursor
   */
  public CompletableFuture<GamePullResult> pullGamesSince(String cursor, GameSink sink) {
    return games.pull(cursor, sink, null, 0, Long.MAX_VALUE);
  }

  /**
   * As {@link #pullGamesSince(String, GameSink)}, for one config and at most {@code maxGames}
   * fetched.
   *
   * @param cursor the cursor
   * @param sink where games go
   * @param boardType only this board type, or {@code null}
   * @param numPlayers only this many players, or 0
   * @param maxGames stop once this many were fetched (the cursor then points after them)
   * @return what moved, and the next cursor
   */
  public CompletableFuture<GamePullResult> pullGamesSince(
      String cursor, GameSink sink, @Nullable String boardType, int numPlayers, long maxGames) {
    return games.pull(cursor, sink, boardType, numPlayers, maxGames);
  }

  /**
   * The peer's manifest of a category ({@code GET /manifest/CATEGORY}).
   *
   * @param category e.g. {@code models}
   * @return the manifest
   */
  public CompletableFuture<FileManifest> getManifest(String category) {
    return calls.manifest(category);
  }

  /**
   * Downloads a file of a category to {@code dest}: skipped if {@code dest} already has the same
   * content, resumed from a partial file, verified against the SHA-256 the peer announces,
   * installed atomically.
   *
   * @param category e.g. {@code models}
   * @param path the path relative to the category root
   * @param dest the local file
   * @return what was done
   */
  public CompletableFuture<DownloadResult> downloadFile(String category, String path, Path dest) {
    return downloadFile(
        category, path, dest, null, core.settings().deadline(), TransferListener.NONE);
  }

  /**
   * As {@link #downloadFile(String, String, Path)}, with a required SHA-256, a deadline and a
   * progress listener.
   *
   * @param category e.g. {@code models}
   * @param path the path relative to the category root
   * @param dest the local file
   * @param expectedSha256 the content required (from a manifest), or {@code null}
   * @param deadline the whole download's time budget, retries included
   * @param listener progress events, on the client's executor
   * @return what was done
   */
  public CompletableFuture<DownloadResult> downloadFile(
      String category,
      String path,
      Path dest,
      @Nullable String expectedSha256,
      Duration deadline,
      TransferListener listener) {
    return calls.download(
        "/files/" + PeerCalls.encodeSegment(category) + "/" + PeerCalls.encodePath(path),
        dest,
        expectedSha256,
        deadline,
        listener);
  }

  /**
   * Downloads through the Python cluster's {@code GET /sync/file?path=} (a path relative to the
   * peer's data directory), with the same resume, verification (when the peer sends {@code
   * X-Checksum}) and atomic install.
   *
   * @param path e.g. {@code games/hex8_2p.db}
   * @param dest the local file
   * @return what was done
   */
  public CompletableFuture<DownloadResult> downloadSyncFile(String path, Path dest) {
    return calls.download(
        "/sync/file?path="
            + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8),
        dest,
        null,
        core.settings().deadline(),
        TransferListener.NONE);
  }

  /**
   * Asks the peer to pull files from another node ({@code POST /sync/pull}); how a coordinator
   * pushes. Not retried (not idempotent from the caller's view).
   *
   * @param sourceNodeId the source's node id
   * @param sourceHost the source's address, as the peer can reach it
   * @param sourcePort the source's P2P port
   * @param category the category the files are in, or {@code null} for paths relative to the data
   *     directory (the Python cluster's form)
   * @param files relative paths
   * @return the peer's answer: {@code success}, {@code files_completed}, {@code bytes_transferred},
   *     {@code errors}
   */
  public CompletableFuture<Map<String, Object>> requestPull(
      String sourceNodeId,
      String sourceHost,
      int sourcePort,
      @Nullable String category,
      List<String> files) {
    return calls.requestPull(sourceNodeId, sourceHost, sourcePort, category, files);
  }

  /**
   * Asks the peer to pull games from another node ({@code POST /sync/games}); how a coordinator
   * pushes games. The peer lists the source's games after its own cursor for {@code sourceNodeId},
   * fetches only the ones it lacks, imports them into its store and then advances that cursor. Not
   * retried. The answer comes after the whole pull, so the peer may take up to {@code timeout}.
   *
   * <p>Fails with {@link P2PException}: 502 (the peer could not reach or read the source; the
   * message names it) or 504 (the source timed out) as {@link P2PException.Kind#SERVER_ERROR}, 404
   * if the peer accepts no games on request, 401, or this client's own connection failures. The
   * future completes on the client's executor.
   *
   * @param sourceNodeId the source's node id (the peer keys its cursor by it)
   * @param sourceHost the source's address, as the peer can reach it
   * @param sourcePort the source's P2P port
   * @param boardType only this board type, or {@code null} for all
   * @param numPlayers only this player count, or 0 for all
   * @param limit stop once the peer fetched this many (positive; {@code Long.MAX_VALUE} for all)
   * @param timeout how long the peer may take to answer (positive)
   * @return what the peer pulled
   * @throws IllegalArgumentException if {@code limit} or {@code timeout} is not positive
   */
  public CompletableFuture<RemoteGamePull> requestGamePull(
      String sourceNodeId,
      String sourceHost,
      int sourcePort,
      @Nullable String boardType,
      int numPlayers,
      long limit,
      Duration timeout) {
    Objects.requireNonNull(sourceNodeId, "sourceNodeId");
    Objects.requireNonNull(sourceHost, "sourceHost");
    Objects.requireNonNull(timeout, "timeout");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return calls.requestGamePull(
        sourceNodeId, sourceHost, sourcePort, boardType, numPlayers, limit, timeout);
  }

  /**
   * As {@link #requestGamePull(String, String, int, String, int, long, Duration)} for every game,
   * with this client's deadline as the timeout.
   *
   * @param sourceNodeId the source's node id
   * @param sourceHost the source's address, as the peer can reach it
   * @param sourcePort the source's P2P port
   * @return what the peer pulled
   */
  public CompletableFuture<RemoteGamePull> requestGamePull(
      String sourceNodeId, String sourceHost, int sourcePort) {
    return requestGamePull(
        sourceNodeId, sourceHost, sourcePort, null, 0, Long.MAX_VALUE, core.settings().deadline());
  }

  /** Closes the connection pool's executor and watchdog if this client owns them. Idempotent. */
  @Override
  public void close() {
    if (ownsCore) {
      core.close();
    }
  }

  @Override
  public String toString() {
    return "P2PSyncClient{" + (base != null ? base : "no peer") + " " + core.settings() + "}";
  }

  static URI uri(String host, int port, boolean tls) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create((tls ? "https" : "http") + "://" + h + ":" + port);
  }

  private static URI checkBase(URI peer) {
    Objects.requireNonNull(peer, "peer");
    if (!"http".equals(peer.getScheme()) && !"https".equals(peer.getScheme())
        || peer.getHost() == null) {
      throw new IllegalArgumentException("peer must be an http(s)://host:port URI, was " + peer);
    }
    return peer;
  }

  /** Builds a {@link P2PSyncClient}; each setter validates its value. */
  public static final class Builder {
    private @Nullable URI peer;
    private @Nullable String token;
    private Map<String, String> env = System.getenv();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration deadline = Duration.ofSeconds(300);
    private int maxRetries = 3;
    private Duration backoffBase = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(10);
    private @Nullable SSLContext sslContext;
    private @Nullable ExecutorService executor;
    private int pageSize = 1000;
    private int importBatch = 200;

    private Builder() {}

    /**
     * The peer, e.g. {@code http://10.0.0.7:8770}. Optional: without one, use {@link #withPeer}.
     *
     * @param peer the base URI
     * @return this builder
     */
    public Builder peer(URI peer) {
      this.peer = checkBase(peer);
      return this;
    }

    /**
     * The peer at {@code host:port} (HTTPS if {@link #tls} is set before this call).
     *
     * @param host the address
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder peer(String host, int port) {
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      this.peer = uri(host, port, sslContext != null);
      return this;
    }

    /**
     * The cluster token sent as {@code Authorization: Bearer}. Default: from {@link #env}.
     *
     * @param token the token; never logged
     * @return this builder
     */
    public Builder authToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("auth token must not be blank");
      }
      this.token = token.strip();
      return this;
    }

    /**
     * The environment read for {@code RINGRIFT_CLUSTER_AUTH_TOKEN} and {@code
     * RINGRIFT_CLUSTER_AUTH_TOKEN_FILE}. Default: this process's.
     *
     * @param env variables
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    /**
     * TCP connect timeout. Default 10 s (the Python client's).
     *
     * @param t positive
     * @return this builder
     */
    public Builder connectTimeout(Duration t) {
      this.connectTimeout = positive(t, "connectTimeout");
      return this;
    }

    /**
     * Time from sending a request to its response headers. Default 30 s.
     *
     * @param t positive
     * @return this builder
     */
    public Builder requestTimeout(Duration t) {
      this.requestTimeout = positive(t, "requestTimeout");
      return this;
    }

    /**
     * Longest pause while reading a body. Default 60 s.
     *
     * @param t positive
     * @return this builder
     */
    public Builder readTimeout(Duration t) {
      this.readTimeout = positive(t, "readTimeout");
      return this;
    }

    /**
     * The default time budget of one call, retries included. Default 300 s.
     *
     * @param t positive
     * @return this builder
     */
    public Builder deadline(Duration t) {
      this.deadline = positive(t, "deadline");
      return this;
    }

    /**
     * Retries of idempotent calls after a host fault, with exponential backoff and jitter from
     * {@code base} up to {@code max}. Default 3, 500 ms, 10 s.
     *
     * @param maxRetries 0 to 20
     * @param base positive
     * @param max at least base
     * @return this builder
     */
    public Builder retries(int maxRetries, Duration base, Duration max) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be 0..20, was " + maxRetries);
      }
      positive(base, "backoff base");
      positive(max, "backoff max");
      if (max.compareTo(base) < 0) {
        throw new IllegalArgumentException("backoff max " + max + " is below base " + base);
      }
      this.maxRetries = maxRetries;
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    /**
     * Use HTTPS with this context (its trust decides which peers are accepted).
     *
     * @param sslContext the context
     * @return this builder
     */
    public Builder tls(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * The executor calls run on (they block on sockets and files). Not shut down by the client.
     * Default: an owned cached pool of daemon threads.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Game ids asked per listing page, and games stored per sink transaction. Default 1000, 200.
     *
     * @param pageSize 1 to 10,000
     * @param importBatch 1 to 10,000
     * @return this builder
     */
    public Builder gameBatches(int pageSize, int importBatch) {
      if (pageSize < 1 || pageSize > 10_000 || importBatch < 1 || importBatch > 10_000) {
        throw new IllegalArgumentException(
            "pageSize and importBatch must be 1..10000, were " + pageSize + ", " + importBatch);
      }
      this.pageSize = pageSize;
      this.importBatch = importBatch;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     */
    public P2PSyncClient build() {
      String tok = token != null ? token : ClusterToken.fromEnv(env).orElse(null);
      ClientCore core =
          new ClientCore(
              new ClientCore.Settings(
                  tok,
                  connectTimeout,
                  requestTimeout,
                  readTimeout,
                  deadline,
                  maxRetries,
                  backoffBase,
                  backoffMax,
                  sslContext,
                  executor));
      return new P2PSyncClient(core, true, peer, pageSize, importBatch);
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
