package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.ConfigException;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.config.SyncSettings;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code distributed_hosts.yaml} into {@link ClusterConfig.Builder}. It walks SnakeYAML's
 * node tree (no object construction, so no YAML tags are ever instantiated) to keep every value's
 * line and column for error messages. Unknown keys are kept in a host's properties and otherwise
 * ignored: the Python cluster's file has many sections this library does not use.
 */
public final class HostsYamlReader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final String source;
  private final Map<String, String> env;

  private HostsYamlReader(String source, Map<String, String> env) {
    this.source = source;
    this.env = env;
  }

  /**
   * Reads a document into a builder.
   *
   * @param yaml the document
   * @param source the name for error messages
   * @param env environment variables
   * @param builder the builder to fill
   * @return the builder
   * @throws ConfigException on malformed YAML or a bad value
   */
  public static ClusterConfig.Builder read(
      String yaml, String source, Map<String, String> env, ClusterConfig.Builder builder) {
    return new HostsYamlReader(source, env).readInto(yaml, builder);
  }

  private ClusterConfig.Builder readInto(String yaml, ClusterConfig.Builder b) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      String where =
          m == null ? source : source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
      throw new ConfigException(
          where + ": malformed YAML: " + e.getProblem() + describeContext(e), null, e);
    } catch (YAMLException e) {
      throw new ConfigException(source + ": malformed YAML: " + e.getMessage(), null, e);
    }
    if (root == null) {
      return applyEnvironment(b, SyncSettings.builder());
    }
    MappingNode top = mapping(root, "(top level)");
    SyncSettings.Builder sync = SyncSettings.builder();
    boolean syncConcurrencySet = false;
    Map<String, Node> sections = entries(top, "");
    for (Map.Entry<String, Node> e : sections.entrySet()) {
      String key = e.getKey();
      Node value = e.getValue();
      switch (key) {
        case "hosts" -> readHosts(value, b);
        case "sync" -> syncConcurrencySet |= readSync(value, sync);
        case "circuit_breaker" -> readBreaker(value, b);
        case "board_memory_gb" -> {
          for (Map.Entry<String, Node> m : entries(mapping(value, key), key).entrySet()) {
            String path = key + "." + m.getKey();
            int gb = integer(m.getValue(), path);
            apply(m.getValue(), path, () -> b.boardMemoryGb(m.getKey(), gb));
          }
        }
        default -> {
          // Sections of the Python cluster's file this library does not use.
        }
      }
    }
    Node autoSync = sections.get("auto_sync");
    if (!syncConcurrencySet && autoSync instanceof MappingNode m) {
      Node n = entries(m, "auto_sync").get("max_concurrent_syncs");
      if (n != null && !isNull(n)) {
        int v = integer(n, "auto_sync.max_concurrent_syncs");
        apply(n, "auto_sync.max_concurrent_syncs", () -> sync.maxConcurrentSyncs(v));
      }
    }
    return applyEnvironment(b, sync);
  }

  private ClusterConfig.Builder applyEnvironment(
      ClusterConfig.Builder b, SyncSettings.Builder sync) {
    String timeout = env.get("RINGRIFT_SYNC_TIMEOUT");
    if (timeout != null && !timeout.isBlank()) {
      Duration d = seconds(timeout.strip(), "environment variable RINGRIFT_SYNC_TIMEOUT");
      applyEnv("RINGRIFT_SYNC_TIMEOUT", timeout, () -> sync.timeout(d));
    }
    String threshold = env.get("RINGRIFT_CIRCUIT_THRESHOLD");
    if (threshold != null && !threshold.isBlank()) {
      int t = parseIntOr(threshold.strip(), "environment variable RINGRIFT_CIRCUIT_THRESHOLD");
      applyEnv("RINGRIFT_CIRCUIT_THRESHOLD", threshold, () -> b.circuitFailureThreshold(t));
    }
    return b.sync(sync.build());
  }

  private void readHosts(Node node, ClusterConfig.Builder b) {
    if (isNull(node)) {
      return;
    }
    for (Map.Entry<String, Node> e : entries(mapping(node, "hosts"), "hosts").entrySet()) {
      String path = "hosts." + e.getKey();
      HostConfig host = readHost(e.getKey(), e.getValue(), path);
      apply(e.getValue(), path, () -> b.host(host));
    }
  }

  private HostConfig readHost(String name, Node node, String path) {
    HostConfig.Builder h = HostConfig.builder(name);
    Map<String, Node> fields = isNull(node) ? Map.of() : entries(mapping(node, path), path);
    String p2pDefault = env.get("RINGRIFT_P2P_PORT");
    if (p2pDefault != null && !p2pDefault.isBlank()) {
      int port = parseIntOr(p2pDefault.strip(), "environment variable RINGRIFT_P2P_PORT");
      applyEnv("RINGRIFT_P2P_PORT", p2pDefault, () -> h.p2pPort(port));
    }
    String keyDefault = env.get("RINGRIFT_SSH_KEY");
    if (keyDefault != null && !keyDefault.isBlank()) {
      h.sshKey(Path.of(keyDefault.strip()));
    }
    String tunnel = null;
    String tokenId = null;
    String tokenSecret = null;
    Node tunnelNode = null;
    for (Map.Entry<String, Node> f : fields.entrySet()) {
      String key = f.getKey();
      Node v = f.getValue();
      String at = path + "." + key;
      h.property(key, toPlain(v));
      if (isNull(v)) {
        continue;
      }
      switch (key) {
        case "ssh_host" -> set(v, at, h::sshHost);
        case "tailscale_ip" -> set(v, at, h::tailscaleIp);
        case "ssh_user" -> set(v, at, h::sshUser);
        case "ssh_port" -> setInt(v, at, h::sshPort);
        case "ssh_key" -> set(v, at, s -> h.sshKey(Path.of(s)));
        case "ringrift_path", "work_dir" -> set(v, at, h::ringriftPath);
        case "memory_gb" -> setInt(v, at, h::memoryGb);
        case "cpus" -> setInt(v, at, h::cpus);
        case "gpu" -> set(v, at, h::gpu);
        case "gpu_vram_gb" -> setInt(v, at, h::gpuVramGb);
        case "role" -> set(v, at, h::role);
        case "status" -> set(v, at, h::status);
        case "worker_port" -> setInt(v, at, h::workerPort);
        case "p2p_port" -> setInt(v, at, h::p2pPort);
        case "p2p_enabled" -> {
          boolean bv = bool(v, at);
          h.p2pEnabled(bv);
        }
        case "is_ephemeral" -> {
          boolean bv = bool(v, at);
          h.ephemeral(bv);
        }
        case "storage_type" -> set(v, at, h::storageType);
        case "cloudflare_tunnel" -> {
          tunnel = string(v, at);
          tunnelNode = v;
        }
        case "cloudflare_service_token_id" -> tokenId = string(v, at);
        case "cloudflare_service_token_secret" -> tokenSecret = string(v, at);
        default -> {
          // Kept in properties only.
        }
      }
    }
    if (tunnel != null && tunnelNode != null) {
      String t = tunnel;
      String id = tokenId;
      String secret = tokenSecret;
      apply(tunnelNode, path + ".cloudflare_tunnel", () -> h.cloudflareTunnel(t, id, secret));
    } else if (tokenId != null || tokenSecret != null) {
      throw error(node, path, "cloudflare_service_token_* is set but cloudflare_tunnel is not");
    }
    return h.build();
  }

  private boolean readSync(Node node, SyncSettings.Builder s) {
    if (isNull(node)) {
      return false;
    }
    boolean concurrency = false;
    for (Map.Entry<String, Node> e : entries(mapping(node, "sync"), "sync").entrySet()) {
      String at = "sync." + e.getKey();
      Node v = e.getValue();
      if (isNull(v)) {
        continue;
      }
      switch (e.getKey()) {
        case "batch_size" -> setInt(v, at, s::batchSize);
        case "timeout" -> {
          Duration d = seconds(scalar(v, at), at, v);
          apply(v, at, () -> s.timeout(d));
        }
        case "retry_count" -> setInt(v, at, s::retryCount);
        case "max_concurrent_syncs" -> {
          setInt(v, at, s::maxConcurrentSyncs);
          concurrency = true;
        }
        default -> {
          // Other keys of the Python cluster's sync section.
        }
      }
    }
    return concurrency;
  }

  private void readBreaker(Node node, ClusterConfig.Builder b) {
    if (isNull(node)) {
      return;
    }
    for (Map.Entry<String, Node> e :
        entries(mapping(node, "circuit_breaker"), "circuit_breaker").entrySet()) {
      String at = "circuit_breaker." + e.getKey();
      Node v = e.getValue();
      if (isNull(v)) {
        continue;
      }
      switch (e.getKey()) {
        case "failure_threshold" -> setInt(v, at, b::circuitFailureThreshold);
        case "recovery_timeout" -> {
          Duration d = seconds(scalar(v, at), at, v);
          apply(v, at, () -> b.circuitRecoveryTimeout(d));
        }
        default -> {
          // Other breaker keys of the Python cluster.
        }
      }
    }
  }

  // ---- typed access with locations ----

  private void set(Node v, String path, Consumer<String> setter) {
    String s = string(v, path);
    apply(v, path, () -> setter.accept(s));
  }

  private void setInt(Node v, String path, java.util.function.IntConsumer setter) {
    int i = integer(v, path);
    apply(v, path, () -> setter.accept(i));
  }

  private void apply(Node at, String path, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw error(at, path, e.getMessage());
    }
  }

  private void applyEnv(String var, String value, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "environment variable " + var + "='" + value + "': " + e.getMessage(), var, e);
    }
  }

  private String string(Node v, String path) {
    String raw = scalar(v, path);
    Matcher m = ENV_REF.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        throw error(v, path, "environment variable " + m.group(1) + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private int integer(Node v, String path) {
    String s = scalar(v, path).strip();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw error(v, path, "expected an integer, got '" + s + "'");
    }
  }

  private boolean bool(Node v, String path) {
    String s = scalar(v, path).strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw error(v, path, "expected true or false, got '" + s + "'");
    };
  }

  private Duration seconds(String s, String path, Node at) {
    try {
      return seconds(s, path);
    } catch (ConfigException e) {
      throw error(at, path, "expected a number of seconds, got '" + s + "'");
    }
  }

  private Duration seconds(String s, String what) {
    try {
      double d = Double.parseDouble(s.strip());
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new ConfigException(
            what + ": must be a positive number of seconds, was " + s, what, null);
      }
      return Duration.ofMillis(Math.round(d * 1000));
    } catch (NumberFormatException e) {
      throw new ConfigException(what + ": expected a number of seconds, got '" + s + "'", what, e);
    }
  }

  private int parseIntOr(String s, String what) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(what + ": expected an integer, got '" + s + "'", what, e);
    }
  }

  private String scalar(Node v, String path) {
    if (v instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(v, path, "expected a single value, got a " + kind(v));
  }

  private MappingNode mapping(Node v, String path) {
    if (v instanceof MappingNode m) {
      return m;
    }
    throw error(v, path, "expected a mapping of keys to values, got a " + kind(v));
  }

  private Map<String, Node> entries(MappingNode m, String path) {
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = scalar(t.getKeyNode(), path.isEmpty() ? "(key)" : path + ".(key)");
      if (out.put(key, t.getValueNode()) != null) {
        throw error(
            t.getKeyNode(), path.isEmpty() ? key : path + "." + key, "duplicate key '" + key + "'");
      }
    }
    return out;
  }

  private static boolean isNull(Node v) {
    return v instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
  }

  private static String kind(Node v) {
    if (v instanceof MappingNode) {
      return "mapping";
    }
    if (v instanceof SequenceNode) {
      return "list";
    }
    return "value";
  }

  private static Object toPlain(Node v) {
    if (v instanceof ScalarNode s) {
      return isNull(v) ? "" : s.getValue();
    }
    if (v instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      for (Node n : seq.getValue()) {
        out.add(toPlain(n));
      }
      return List.copyOf(out);
    }
    if (v instanceof MappingNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        Object o = toPlain(t.getValueNode());
        out.put(t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?", o == null ? "" : o);
      }
      return Map.copyOf(out);
    }
    return "";
  }

  private ConfigException error(Node at, String path, @Nullable String message) {
    Mark m = at.getStartMark();
    String where =
        m == null ? source : source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
    return new ConfigException(where + ": " + path + ": " + message, path, null);
  }

  private static String describeContext(MarkedYAMLException e) {
    return e.getContext() == null ? "" : " (" + e.getContext() + ")";
  }
}
