package ai.ringrift.distributed.core.config;

import ai.ringrift.distributed.core.internal.HostsYamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The cluster: its hosts, how syncs run and the breaker settings, read from {@code
 * distributed_hosts.yaml} (the same keys as the Python cluster's file) and the environment.
 * Immutable; build one with {@link #builder()}, or read one with {@link #load(Path)} or {@link
 * #fromEnvironment()}.
 *
 * <h2>Environment</h2>
 *
 * <table>
 *   <caption>variables read</caption>
 *   <tr><th>variable</th><th>effect</th><th>default</th></tr>
 *   <tr><td>{@code RINGRIFT_CLUSTER_CONFIG}</td><td>the YAML file</td>
 *       <td>{@code config/distributed_hosts.yaml}</td></tr>
 *   <tr><td>{@code RINGRIFT_P2P_PORT}</td><td>P2P port of hosts without {@code p2p_port}</td>
 *       <td>8770</td></tr>
 *   <tr><td>{@code RINGRIFT_SYNC_TIMEOUT}</td><td>overrides {@code sync.timeout} (seconds)</td>
 *       <td>300</td></tr>
 *   <tr><td>{@code RINGRIFT_CIRCUIT_THRESHOLD}</td>
 *       <td>overrides {@code circuit_breaker.failure_threshold}</td><td>3</td></tr>
 *   <tr><td>{@code RINGRIFT_SSH_KEY}</td><td>key of hosts without {@code ssh_key}</td>
 *       <td>{@code ~/.ssh/id_cluster}</td></tr>
 * </table>
 *
 * <p>String values may name environment variables as {@code ${NAME}} (for secrets such as {@code
 * cloudflare_service_token_secret}); a variable that is not set is an error naming the key.
 */
public final class ClusterConfig {
  /** Where the hosts YAML is looked for when {@code RINGRIFT_CLUSTER_CONFIG} is not set. */
  public static final String DEFAULT_PATH = "config/distributed_hosts.yaml";

  /** Consecutive failures that open a host's breaker when nothing else says: 3. */
  public static final int DEFAULT_CIRCUIT_THRESHOLD = 3;

  /** How long a host's breaker stays open before the first probe: 120 s. */
  public static final Duration DEFAULT_CIRCUIT_RECOVERY = Duration.ofSeconds(120);

  private static final Map<String, Integer> DEFAULT_BOARD_MEMORY_GB =
      Map.of("square8", 8, "hex8", 8, "square19", 48, "hexagonal", 48);

  private final List<HostConfig> hosts;
  private final SyncSettings sync;
  private final int circuitThreshold;
  private final Duration circuitRecovery;
  private final Map<String, Integer> boardMemoryGb;
  private final @Nullable Path source;

  private ClusterConfig(Builder b) {
    this.hosts = List.copyOf(b.hosts.values());
    this.sync = b.sync;
    this.circuitThreshold = b.circuitThreshold;
    this.circuitRecovery = b.circuitRecovery;
    this.boardMemoryGb = Map.copyOf(b.boardMemoryGb);
    this.source = b.source;
  }

  /**
   * A builder for a configuration made in code.
   *
   * @return an empty builder with default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code file} with the process environment. The file is read on a short-lived thread of
   * its own; the future fails with a {@link ConfigException} naming the file (and line and key path
   * for a bad value) when the file is missing, unreadable, malformed or holds a bad value.
   *
   * @param file the hosts YAML
   * @return the configuration
   */
  public static CompletableFuture<ClusterConfig> load(Path file) {
    return load(file, System.getenv(), ClusterConfig::startLoaderThread);
  }

  /**
   * Reads {@code file} with the given environment, on the given executor.
   *
   * @param file the hosts YAML
   * @param env the environment variables to apply
   * @param executor where the file is read
   * @return the configuration; fails with a {@link ConfigException}
   */
  public static CompletableFuture<ClusterConfig> load(
      Path file, Map<String, String> env, Executor executor) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(executor, "executor");
    CompletableFuture<ClusterConfig> result = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            result.complete(readFile(file, env));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /**
   * Reads the file named by {@code RINGRIFT_CLUSTER_CONFIG}, or {@value #DEFAULT_PATH}.
   *
   * @return the configuration; fails with a {@link ConfigException}
   */
  public static CompletableFuture<ClusterConfig> fromEnvironment() {
    Map<String, String> env = System.getenv();
    return load(configPath(env), env, ClusterConfig::startLoaderThread);
  }

  /**
   * The hosts YAML the environment names.
   *
   * @param env environment variables
   * @return {@code RINGRIFT_CLUSTER_CONFIG}, or {@value #DEFAULT_PATH}
   */
  public static Path configPath(Map<String, String> env) {
    String p = env.get("RINGRIFT_CLUSTER_CONFIG");
    return Path.of(p == null || p.isBlank() ? DEFAULT_PATH : p.strip());
  }

  /**
   * Parses YAML text. Does no I/O.
   *
   * @param yaml the document
   * @param sourceName the name used in error messages, e.g. the file name
   * @param env the environment variables to apply
   * @return the configuration
   * @throws ConfigException if the YAML is malformed or holds a bad value
   */
  public static ClusterConfig parse(String yaml, String sourceName, Map<String, String> env) {
    return HostsYamlReader.read(yaml, sourceName, env, builder()).build();
  }

  private static ClusterConfig readFile(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toAbsolutePath()
              + ": no such file (set RINGRIFT_CLUSTER_CONFIG to the hosts YAML, default "
              + DEFAULT_PATH
              + ")",
          null,
          e);
    } catch (IOException e) {
      throw new ConfigException(file.toAbsolutePath() + ": cannot read: " + e, null, e);
    }
    return HostsYamlReader.read(text, file.toString(), env, builder().source(file)).build();
  }

  private static void startLoaderThread(Runnable r) {
    Thread t = new Thread(r, "ringrift-config-load");
    t.setDaemon(true);
    t.start();
  }

  /**
   * @return every host, in the order of the file
   */
  public List<HostConfig> hosts() {
    return hosts;
  }

  /**
   * A host by name.
   *
   * @param name the host's name
   * @return the host, if configured
   */
  public Optional<HostConfig> host(String name) {
    Objects.requireNonNull(name, "name");
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /**
   * @return the hosts whose status is {@code ready}
   */
  public List<HostConfig> readyHosts() {
    return hosts.stream().filter(HostConfig::isReady).toList();
  }

  /**
   * @return how syncs run
   */
  public SyncSettings sync() {
    return sync;
  }

  /**
   * @return consecutive transport failures that open a host's breaker
   */
  public int circuitFailureThreshold() {
    return circuitThreshold;
  }

  /**
   * @return how long a host's breaker stays open before its first probe
   */
  public Duration circuitRecoveryTimeout() {
    return circuitRecovery;
  }

  /**
   * @return the file this configuration was read from, if any
   */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /**
   * Memory a host needs to run selfplay or training for a board and player count: the {@code
   * board_memory_gb} entry for the config key ({@code hex8_4p}), else for the board, else the
   * built-in table (square8 8 GB, hex8 8 GB, square19 48 GB, hexagonal 48 GB).
   *
   * @param boardType a board type or alias ({@code sq8}, {@code hex}, ...)
   * @param numPlayers 2, 3 or 4
   * @return the memory needed in GB
   * @throws IllegalArgumentException for an unknown board or a player count outside 2..4
   */
  public int memoryRequiredGb(String boardType, int numPlayers) {
    String board = normalizeBoardType(boardType);
    if (numPlayers < 2 || numPlayers > 4) {
      throw new IllegalArgumentException("numPlayers must be 2..4, was " + numPlayers);
    }
    Integer exact = boardMemoryGb.get(board + "_" + numPlayers + "p");
    if (exact != null) {
      return exact;
    }
    return boardMemoryGb.getOrDefault(board, DEFAULT_BOARD_MEMORY_GB.get(board));
  }

  /**
   * Ready hosts with at least {@link #memoryRequiredGb} of configured memory, largest first. Hosts
   * without {@code memory_gb} are not included: detect their memory over SSH first.
   *
   * @param boardType a board type or alias
   * @param numPlayers 2, 3 or 4
   * @return eligible hosts
   * @throws IllegalArgumentException for an unknown board or a player count outside 2..4
   */
  public List<HostConfig> eligibleHostsForBoard(String boardType, int numPlayers) {
    int need = memoryRequiredGb(boardType, numPlayers);
    List<HostConfig> out = new ArrayList<>();
    for (HostConfig h : hosts) {
      if (h.isReady() && h.memoryGb().isPresent() && h.memoryGb().getAsInt() >= need) {
        out.add(h);
      }
    }
    out.sort(Comparator.comparingInt((HostConfig h) -> h.memoryGb().getAsInt()).reversed());
    return List.copyOf(out);
  }

  /**
   * The canonical board type: {@code square8}, {@code square19}, {@code hex8} or {@code hexagonal}.
   * Accepts any case and the aliases {@code sq8}, {@code sq19}, {@code hex}, {@code full_hex} and
   * {@code full_hexagonal} (as the Python cluster does: {@code hex} is the large board, not hex8).
   *
   * @param boardType a board type or alias
   * @return the canonical name
   * @throws IllegalArgumentException if it names no board
   */
  public static String normalizeBoardType(String boardType) {
    Objects.requireNonNull(boardType, "boardType");
    String b = boardType.strip().toLowerCase(Locale.ROOT);
    switch (b) {
      case "square8", "sq8":
        return "square8";
      case "square19", "sq19":
        return "square19";
      case "hex8":
        return "hex8";
      case "hexagonal", "hex", "full_hex", "full_hexagonal":
        return "hexagonal";
      default:
        throw new IllegalArgumentException(
            "unknown board type '"
                + boardType
                + "'; expected square8, square19, hex8 or hexagonal");
    }
  }

  @Override
  public String toString() {
    return "ClusterConfig{hosts="
        + hosts.stream().map(HostConfig::name).toList()
        + ", sync="
        + sync
        + ", circuitThreshold="
        + circuitThreshold
        + ", circuitRecovery="
        + circuitRecovery
        + (source != null ? ", source=" + source : "")
        + "}";
  }

  /** Builds a {@link ClusterConfig}. */
  public static final class Builder {
    private final Map<String, HostConfig> hosts = new LinkedHashMap<>();
    private SyncSettings sync = SyncSettings.defaults();
    private int circuitThreshold = DEFAULT_CIRCUIT_THRESHOLD;
    private Duration circuitRecovery = DEFAULT_CIRCUIT_RECOVERY;
    private final Map<String, Integer> boardMemoryGb = new LinkedHashMap<>();
    private @Nullable Path source;

    private Builder() {}

    /**
     * Adds a host.
     *
     * @param host the host
     * @return this builder
     * @throws IllegalArgumentException if a host of that name was already added
     */
    public Builder host(HostConfig host) {
      Objects.requireNonNull(host, "host");
      if (hosts.putIfAbsent(host.name(), host) != null) {
        throw new IllegalArgumentException("host '" + host.name() + "' is defined twice");
      }
      return this;
    }

    /**
     * Sets how syncs run.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder sync(SyncSettings settings) {
      this.sync = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * {@code circuit_breaker.failure_threshold}.
     *
     * @param value 1..100
     * @return this builder
     */
    public Builder circuitFailureThreshold(int value) {
      if (value < 1 || value > 100) {
        throw new IllegalArgumentException("must be 1..100, was " + value);
      }
      this.circuitThreshold = value;
      return this;
    }

    /**
     * {@code circuit_breaker.recovery_timeout}.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder circuitRecoveryTimeout(Duration value) {
      Objects.requireNonNull(value, "value");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("must be positive, was " + value);
      }
      this.circuitRecovery = value;
      return this;
    }

    /**
     * A {@code board_memory_gb} entry: memory needed for a board ({@code hex8}) or a config ({@code
     * hex8_4p}).
     *
     * @param key a board type or config key
     * @param gb a positive number of GB
     * @return this builder
     */
    public Builder boardMemoryGb(String key, int gb) {
      Objects.requireNonNull(key, "key");
      String k = key.strip().toLowerCase(Locale.ROOT);
      String board = k.matches(".+_[234]p") ? k.substring(0, k.lastIndexOf('_')) : k;
      String normalized = normalizeBoardType(board) + k.substring(board.length());
      if (gb <= 0) {
        throw new IllegalArgumentException("must be positive, was " + gb);
      }
      boardMemoryGb.put(normalized, gb);
      return this;
    }

    /**
     * The file the configuration came from, shown in {@link #toString()}.
     *
     * @param file the file
     * @return this builder
     */
    public Builder source(Path file) {
      this.source = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public ClusterConfig build() {
      return new ClusterConfig(this);
    }
  }
}
