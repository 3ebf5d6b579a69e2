package ai.ringrift.distributed.transport.http;

import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.http.internal.ClusterToken;
import ai.ringrift.distributed.transport.http.internal.NettyP2PServer;
import ai.ringrift.distributed.transport.http.internal.ServerSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A node's P2P service (Netty; port 8770 or {@code RINGRIFT_P2P_PORT}): liveness, readiness,
 * status, Prometheus metrics, game listings and game streams, file manifests and file bytes (with
 * {@code Range}, zero-copy), the Python cluster's {@code GET /sync/file} and {@code GET
 * /game_counts}, {@code POST /sync/pull} and {@code POST /sync/games} (pull games from a named
 * source, with a {@link Builder#gameSink sink} and a {@link Builder#cursorDir cursor directory}).
 * Every endpoint is in {@code docs/PROTOCOL.md}.
 *
 * <pre>{@code
 * try (P2PServer server = P2PServer.builder()
 *         .nodeId("gh200-a")
 *         .category("models", Path.of("models"))
 *         .gameSource(games)
 *         .build()) {
 *   server.start().join();
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Security.</b> Every endpoint but {@code GET /health} requires the cluster token ({@code
 * Authorization: Bearer} or {@code X-RingRift-Auth}; 401 {@code {"error":"unauthorized"}}
 * otherwise). Without a token the service refuses to bind beyond loopback unless {@link
 * Builder#insecure(boolean)} is set. Paths resolve inside the category roots only.
 *
 * <p><b>Threads.</b> Netty event loops do only network I/O; SQLite, hashing and file system calls
 * run on the blocking executor (owned, or {@link Builder#executor injected}). Thread-safe.
 */
public final class P2PServer implements AutoCloseable {
  /** The port used when neither the builder nor {@code RINGRIFT_P2P_PORT} sets one. */
  public static final int DEFAULT_PORT = RemoteHost.DEFAULT_P2P_PORT;

  private final NettyP2PServer server;

  private P2PServer(ServerSettings settings) {
    this.server = new NettyP2PServer(settings);
  }

  /**
   * Starts a builder with the defaults listed on its setters, reading the environment of this
   * process ({@link Builder#env}).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving. Completes on a thread of the service once the socket is
   * bound; fails with a {@link P2PException} if it cannot bind. Calling it twice returns the same
   * future.
   *
   * @return a future completed with the bound address
   */
  public CompletableFuture<InetSocketAddress> start() {
    return server.start();
  }

  /**
   * The bound address.
   *
   * @return the address
   * @throws IllegalStateException if not started
   */
  public InetSocketAddress address() {
    return server.address();
  }

  /**
   * The bound port (useful with port 0).
   *
   * @return the port
   * @throws IllegalStateException if not started
   */
  public int port() {
    return address().getPort();
  }

  /**
   * The registry behind {@code GET /metrics}; the embedding node may add its own meters.
   *
   * @return the registry
   */
  public PrometheusMeterRegistry meterRegistry() {
    return server.meterRegistry();
  }

  /**
   * Stops accepting, closes every connection (in-flight transfers end) and releases the event loops
   * and the owned executor. Idempotent.
   *
   * @return a future completed once everything is released
   */
  public CompletableFuture<Void> closeAsync() {
    return server.closeAsync();
  }

  /** Closes and waits; see {@link #closeAsync()}. Idempotent. */
  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return server.toString();
  }

  /** Builds a {@link P2PServer}; each setter validates its value and names it when bad. */
  public static final class Builder {
    private static final Pattern CATEGORY = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private String bindHost = "127.0.0.1";
    private @Nullable Integer port;
    private @Nullable String token;
    private Map<String, String> env = System.getenv();
    private boolean insecure;
    private @Nullable SSLContext sslContext;
    private String nodeId = "local";
    private String version = "0.1.0-SNAPSHOT";
    private final Map<String, Path> categories = new LinkedHashMap<>();
    private @Nullable Path dataDir;
    private @Nullable GameSource gameSource;
    private @Nullable GameSink gameSink;
    private @Nullable Path cursorDir;
    private final List<StatusContributor> contributors = new ArrayList<>();
    private @Nullable ExecutorService executor;
    private @Nullable PrometheusMeterRegistry registry;
    private int maxHeaderBytes = 16 * 1024;
    private int maxBodyBytes = 4 * 1024 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private Duration writeStallTimeout = Duration.ofSeconds(60);
    private int maxConcurrentTransfers = 16;
    private int maxDiskUsagePercent = 93;
    private @Nullable P2PSyncClient puller;
    private Clock clock = Clock.systemUTC();
    private BooleanSupplier readiness = () -> true;

    private Builder() {}

    /**
     * The address to bind. Default {@code 127.0.0.1}. Binding beyond loopback needs a token or
     * {@link #insecure(boolean)}.
     *
     * @param host an IP address or host name, e.g. {@code 0.0.0.0}
     * @return this builder
     */
    public Builder bind(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("bind host must not be blank");
      }
      this.bindHost = host.strip();
      return this;
    }

    /**
     * The port. Default: {@code RINGRIFT_P2P_PORT}, else 8770; 0 picks a free port.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The environment read for {@code RINGRIFT_P2P_PORT}, {@code RINGRIFT_CLUSTER_AUTH_TOKEN},
     * {@code RINGRIFT_CLUSTER_AUTH_TOKEN_FILE} and {@code RINGRIFT_MAX_DISK_USAGE_PERCENT}.
     * Default: this process's environment. Tests pass a map.
     *
     * @param env variables
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    /**
     * The cluster token, overriding the environment. Never logged.
     *
     * @param token the token
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
     * Allows serving without a token on a non-loopback address. Off by default: a tokenless service
     * beyond loopback would hand every file and game to anyone who asks.
     *
     * @param insecure whether to allow it
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * Serves HTTPS with this context (server mode). File bodies then go through TLS in chunks
     * instead of zero-copy.
     *
     * @param sslContext an initialised context holding the server's key
     * @return this builder
     */
    public Builder tls(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * This node's id, as in {@code distributed_hosts.yaml}. Default {@code local}.
     *
     * @param nodeId the id
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = requireNonBlank(nodeId, "nodeId");
      return this;
    }

    /**
     * The version reported in {@code /status}.
     *
     * @param version the version
     * @return this builder
     */
    public Builder version(String version) {
      this.version = requireNonBlank(version, "version");
      return this;
    }

    /**
     * Serves the files under {@code root} as a category: manifest at {@code GET /manifest/NAME},
     * bytes at {@code GET /files/NAME/PATH}.
     *
     * @param name lower-case letters, digits, {@code _} or {@code -}, e.g. {@code models}
     * @param root the directory; it need not exist yet
     * @return this builder
     */
    public Builder category(String name, Path root) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(root, "root");
      if (!CATEGORY.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "category name must match " + CATEGORY.pattern() + ", was '" + name + "'");
      }
      if (categories.containsKey(name)) {
        throw new IllegalArgumentException("category '" + name + "' is already set");
      }
      categories.put(name, root.toAbsolutePath().normalize());
      return this;
    }

    /**
     * The data directory for the Python cluster's {@code GET /sync/file?path=} and for {@code POST
     * /sync/pull} without a category (paths relative to it, e.g. {@code games/hex8_2p.db}). Unset:
     * those answer 404.
     *
     * @param dataDir the directory
     * @return this builder
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Where the games served come from. Unset: the game endpoints answer 404 and the counts are
     * empty.
     *
     * @param source the source
     * @return this builder
     */
    public Builder gameSource(GameSource source) {
      this.gameSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Where games pulled on request ({@code POST /sync/games}) are stored, together with {@link
     * #cursorDir}. Unset (either): {@code POST /sync/games} answers 404.
     *
     * @param sink the sink, usually {@code GameSink.of(store)} of the store {@link #gameSource}
     *     serves
     * @return this builder
     */
    public Builder gameSink(GameSink sink) {
      this.gameSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Where the service keeps its per-source game cursors for {@code POST /sync/games}: one file
     * {@code pull-<source_node_id>.cursor} per source (characters other than {@code [A-Za-z0-9._-]}
     * replaced by {@code _}), holding where the last pull from that source ended, in the source's
     * cursor space, written atomically after the games before it were committed. A node usually
     * passes its sync staging {@code cursors} directory, so a remote-triggered pull and the node's
     * own pulls from the same source share the cursor. Created when first needed.
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder cursorDir(Path dir) {
      this.cursorDir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Adds fields to {@code GET /status}.
     *
     * @param contributor the contributor
     * @return this builder
     */
    public Builder statusContributor(StatusContributor contributor) {
      contributors.add(Objects.requireNonNull(contributor, "contributor"));
      return this;
    }

    /**
     * The executor for blocking work (SQLite, hashing, file system). Not shut down by the service.
     * Default: an owned pool of 8 threads.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The registry to record metrics in and render at {@code /metrics}. Default: a new one.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The largest request line plus headers accepted; larger gets 431 and the connection closes.
     * Default 16 KiB.
     *
     * @param bytes 1 KiB to 1 MiB
     * @return this builder
     */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = requireRange(bytes, 1024, 1 << 20, "maxHeaderBytes");
      return this;
    }

    /**
     * The largest request body accepted; larger gets 413 and the connection closes. Default 4 MiB
     * (a game id listing of 100,000 ids).
     *
     * @param bytes 1 KiB to 256 MiB
     * @return this builder
     */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = requireRange(bytes, 1024, 256 << 20, "maxBodyBytes");
      return this;
    }

    /**
     * How long a connection may sit between requests before it is closed. Default 60 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = requirePositive(timeout, "idleTimeout");
      return this;
    }

    /**
     * How long a client has, from the first byte of a request, to send all of it (headers and
     * body). A slow-loris client sending a byte a second is closed when it runs out. Default 15 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /**
     * How long a response may make no progress while the client does not read before the connection
     * is closed. Default 60 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder writeStallTimeout(Duration timeout) {
      this.writeStallTimeout = requirePositive(timeout, "writeStallTimeout");
      return this;
    }

    /**
     * How many file and game streams may run at once; more get 503 with {@code Retry-After}.
     * Default 16.
     *
     * @param max 1 to 10,000
     * @return this builder
     */
    public Builder maxConcurrentTransfers(int max) {
      this.maxConcurrentTransfers = requireRange(max, 1, 10_000, "maxConcurrentTransfers");
      return this;
    }

    /**
     * The clock for uptime and timestamps. Default UTC system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What {@code GET /ready} reports besides the service being started. Called on the blocking
     * executor. Default: always ready.
     *
     * @param readiness whether the node is ready to serve
     * @return this builder
     */
    public Builder readiness(BooleanSupplier readiness) {
      this.readiness = Objects.requireNonNull(readiness, "readiness");
      return this;
    }

    /**
     * The client {@code POST /sync/pull} and {@code POST /sync/games} use to fetch files and games.
     * Default: one built with this service's token. Not closed by the service.
     *
     * @param client the client
     * @return this builder
     */
    public Builder puller(P2PSyncClient client) {
      this.puller = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the service (not started).
     *
     * @return the service
     * @throws IllegalStateException if it would bind beyond loopback without a token and not
     *     insecure, or if the environment holds a bad value
     */
    public P2PServer build() {
      Optional<String> tok = token != null ? Optional.of(token) : ClusterToken.fromEnv(env);
      int p = port != null ? port : envInt("RINGRIFT_P2P_PORT", DEFAULT_PORT, 0, 65535);
      int disk = envInt("RINGRIFT_MAX_DISK_USAGE_PERCENT", maxDiskUsagePercent, 1, 100);
      ServerSettings s =
          new ServerSettings(
              bindHost,
              p,
              tok.orElse(null),
              insecure,
              sslContext,
              nodeId,
              version,
              Map.copyOf(categories),
              dataDir,
              gameSource,
              gameSink,
              cursorDir,
              List.copyOf(contributors),
              executor,
              registry,
              maxHeaderBytes,
              maxBodyBytes,
              idleTimeout,
              requestTimeout,
              writeStallTimeout,
              maxConcurrentTransfers,
              disk,
              puller,
              clock,
              readiness);
      s.checkBindAllowed();
      return new P2PServer(s);
    }

    private int envInt(String name, int dflt, int min, int max) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        return dflt;
      }
      try {
        int i = Integer.parseInt(v.strip());
        if (i < min || i > max) {
          throw new IllegalStateException(
              name + " must be " + min + ".." + max + ", was '" + v + "'");
        }
        return i;
      } catch (NumberFormatException e) {
        throw new IllegalStateException(name + " must be an integer, was '" + v + "'", e);
      }
    }

    private static String requireNonBlank(String v, String what) {
      Objects.requireNonNull(v, what);
      if (v.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return v.strip();
    }

    private static int requireRange(int v, int min, int max, String what) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + v);
      }
      return v;
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
