package ai.ringrift.distributed.core;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.config.SyncSettings;
import ai.ringrift.distributed.storage.AtomicFiles;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.GameSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** Several {@link RingRiftNode}s in this JVM on loopback ports, each with its own root. */
final class LocalCluster implements AutoCloseable {
  static final String TOKEN = "it-cluster-token";

  final Path base;
  final Map<String, Integer> ports = new LinkedHashMap<>();
  final ClusterConfig config;
  final Map<String, RingRiftNode> nodes = new LinkedHashMap<>();

  /**
   * @param live nodes started by {@link #start}
   * @param dead configured nodes whose port nobody listens on
   */
  LocalCluster(Path base, List<String> live, List<String> dead) {
    this(base, live, dead, Map.of());
  }

  /**
   * @param live nodes started by {@link #start}
   * @param dead configured nodes whose port nobody listens on
   * @param fixed configured nodes at a given port (e.g. a fault proxy's)
   */
  LocalCluster(Path base, List<String> live, List<String> dead, Map<String, Integer> fixed) {
    this(base, live, dead, fixed, Map.of());
  }

  /**
   * @param live nodes started by {@link #start}
   * @param dead configured nodes whose port nobody listens on
   * @param fixed configured nodes at a given port (e.g. a fault proxy's)
   * @param roles node name to its configured role
   */
  LocalCluster(
      Path base,
      List<String> live,
      List<String> dead,
      Map<String, Integer> fixed,
      Map<String, String> roles) {
    this.base = base;
    ClusterConfig.Builder b =
        ClusterConfig.builder()
            .sync(
                SyncSettings.builder()
                    .maxConcurrentSyncs(2)
                    .timeout(Duration.ofSeconds(30))
                    .build());
    List<String> all = new ArrayList<>(live);
    all.addAll(dead);
    for (String n : all) {
      int port = freePort();
      ports.put(n, port);
      HostConfig.Builder h =
          HostConfig.builder(n).sshHost("127.0.0.1").p2pPort(port).status("ready");
      if (roles.containsKey(n)) {
        h.role(roles.get(n));
      }
      b.host(h.build());
    }
    for (Map.Entry<String, Integer> e : fixed.entrySet()) {
      ports.put(e.getKey(), e.getValue());
      b.host(
          HostConfig.builder(e.getKey())
              .sshHost("127.0.0.1")
              .p2pPort(e.getValue())
              .status("ready")
              .build());
    }
    this.config = b.build();
  }

  Path root(String node) {
    return base.resolve(node);
  }

  RingRiftNode start(String node) {
    RingRiftNode n =
        RingRiftNode.builder(node, root(node))
            .cluster(config)
            .authToken(TOKEN)
            .env(Map.of())
            .start()
            .join();
    nodes.put(node, n);
    return n;
  }

  void stop(String node) {
    RingRiftNode n = nodes.remove(node);
    if (n != null) {
      n.close();
    }
  }

  /** Writes {@code count} completed games (two configs) into a selfplay database of the node. */
  List<String> generateGames(String node, long seed, int count) {
    Path db = root(node).resolve("data/games/selfplay_" + node + ".db");
    try {
      Files.createDirectories(db.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (GameDbGenerator g = GameDbGenerator.create(db, GameDbGenerator.Layout.V18, seed)) {
      List<String> ids = new ArrayList<>(g.bulk(count - count / 4, "hex8", 2));
      ids.addAll(g.bulk(count / 4, "square8", 3));
      return ids;
    }
  }

  /** Writes a file of random bytes with the given mtime under the node's root. */
  static Path writeFile(Path file, int bytes, long seed, long mtimeMillis) {
    try {
      Files.createDirectories(file.getParent());
      byte[] data = new byte[bytes];
      new Random(seed).nextBytes(data);
      Files.write(file, data);
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(mtimeMillis));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha(Path file) {
    return AtomicFiles.sha256(file);
  }

  /** Every finished game id the node's store serves. */
  static Set<String> gameIds(GameStore store) {
    Set<String> ids = new TreeSet<>();
    GameCursor c = GameCursor.start();
    while (true) {
      GamePage p = store.idsAfter(c, 10_000, GameFilter.all()).join();
      for (GameSummary g : p.games()) {
        ids.add(g.gameId());
      }
      c = p.next();
      if (!p.hasMore()) {
        return ids;
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (String n : new ArrayList<>(nodes.keySet())) {
      stop(n);
    }
  }
}
