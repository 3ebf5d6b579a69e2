package ai.ringrift.distributed.examples;

import ai.ringrift.distributed.core.ClusterSyncStats;
import ai.ringrift.distributed.core.RecoveredSync;
import ai.ringrift.distributed.core.RingRiftNode;
import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.core.SyncStats;
import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.config.SyncSettings;
import ai.ringrift.distributed.health.HealthReports;
import ai.ringrift.distributed.health.HealthSummary;
import ai.ringrift.distributed.storage.AtomicFiles;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.wal.WalEntryType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The demo behind {@code scripts/demo}: three nodes on free loopback ports under {@code
 * target/demo/}, each with its own self-play games; a model checkpoint on one; a full cluster sync;
 * each node's health report; WAL recovery after a simulated crash; a second sync that moves
 * nothing. Prints PASS/FAIL per check and exits 0 only if every check held.
 */
public final class DemoMain {
  private static final String TOKEN = "demo-cluster-token";
  private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
  private static final Set<SyncCategory> ALL = EnumSet.allOf(SyncCategory.class);

  private final Path base;
  private final Map<String, RingRiftNode> nodes = new LinkedHashMap<>();
  private ClusterConfig cluster;
  private int failures;

  private DemoMain(Path base) {
    this.base = base;
    this.cluster = ClusterConfig.builder().build();
  }

  /**
   * Runs the demo.
   *
   * @param args optional: the directory to work in (default {@code target/demo})
   * @throws Exception if the demo cannot set up its directories
   */
  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/demo").toAbsolutePath().normalize();
    DemoMain demo = new DemoMain(base);
    int rc;
    try {
      rc = demo.run();
    } finally {
      demo.closeAll();
    }
    System.exit(rc);
  }

  private int run() throws IOException {
    long t0 = System.nanoTime();
    deleteTree(base);
    Files.createDirectories(base);
    ClusterConfig.Builder cb =
        ClusterConfig.builder()
            .sync(
                SyncSettings.builder()
                    .maxConcurrentSyncs(2)
                    .timeout(Duration.ofSeconds(60))
                    .build());
    for (String n : NODES) {
      cb.host(
          HostConfig.builder(n).sshHost("127.0.0.1").p2pPort(freePort()).status("ready").build());
    }
    cluster = cb.build();

    section("Setting up 3 nodes under " + base);
    Set<String> union = new HashSet<>();
    int[] counts = {600, 400, 200};
    for (int i = 0; i < NODES.size(); i++) {
      String n = NODES.get(i);
      List<String> ids = generateGames(n, 100 + i, counts[i]);
      union.addAll(ids);
      System.out.printf(
          "  %s: %d self-play games in %s, P2P port %d%n",
          n, ids.size(), root(n).resolve("data/games"), cluster.host(n).orElseThrow().p2pPort());
    }
    Path model = root("node-a").resolve("models/hex8_2p/best.pth");
    writeRandom(model, 8 << 20, 42);
    Path training = root("node-c").resolve("data/training/hex8_2p/batch_0001.npz");
    writeRandom(training, 2 << 20, 43);
    Path config = root("node-a").resolve("config/selfplay.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "board_type: hex8\nnum_players: 2\ngames_per_batch: 64\n");
    System.out.printf("  node-a: model checkpoint %s (8 MiB)%n", base.relativize(model));
    System.out.printf("  node-a: configuration %s%n", base.relativize(config));
    System.out.printf("  node-c: training file %s (2 MiB)%n", base.relativize(training));
    for (String n : NODES) {
      nodes.put(n, start(n));
    }

    section("Full cluster sync from node-a");
    ClusterSyncStats first =
        nodes.get("node-a").coordinator().fullClusterSync(ALL, Duration.ofSeconds(60)).join();
    print(first);
    check(first.failedNodes().isEmpty(), "no failed nodes " + first.failedNodes());
    check(first.nodesSynced() == 3, "3 nodes synced (was " + first.nodesSynced() + ")");
    String modelSha = AtomicFiles.sha256(model);
    String trainingSha = AtomicFiles.sha256(training);
    for (String n : NODES) {
      Set<String> ids = gameIds(nodes.get(n).gameStore());
      check(
          ids.equals(union), n + " has the union of games: " + ids.size() + " of " + union.size());
      Path m = root(n).resolve("models/hex8_2p/best.pth");
      check(
          Files.exists(m) && AtomicFiles.sha256(m).equals(modelSha),
          n + " has best.pth with SHA-256 " + modelSha.substring(0, 16) + "...");
      Path t = root(n).resolve("data/training/hex8_2p/batch_0001.npz");
      check(
          Files.exists(t) && AtomicFiles.sha256(t).equals(trainingSha),
          n + " has batch_0001.npz with the same SHA-256");
      Path cfg = root(n).resolve("config/selfplay.yaml");
      check(
          Files.exists(cfg) && AtomicFiles.sha256(cfg).equals(AtomicFiles.sha256(config)),
          n + " has node-a's config/selfplay.yaml");
    }

    section("Health");
    for (String n : NODES) {
      HealthSummary h = nodes.get(n).health().join();
      System.out.println("--- " + n);
      System.out.println(HealthReports.formatHealthReport(h).stripTrailing());
      check(
          h.component("wal_backlog").map(c -> c.status().name()).orElse("?").equals("HEALTHY"),
          n + " WAL backlog is healthy");
    }

    section("WAL recovery");
    RingRiftNode b = nodes.get("node-b");
    long id =
        b.wal()
            .appendJson(
                WalEntryType.SYNC_STARTED,
                Map.of("category", "GAMES", "peer", "node-a", "op", "pull", "node", "node-b"))
            .join();
    System.out.printf(
        "  node-b: appended SYNC_STARTED #%d (pull GAMES from node-a), no commit%n", id);
    b.close();
    nodes.remove("node-b");
    System.out.println("  node-b: closed without committing (as a crash would leave it)");
    b = start("node-b");
    nodes.put("node-b", b);
    System.out.printf(
        "  node-b: reopened; %d pending SYNC_STARTED entr%s%n",
        b.wal().pendingEntries(WalEntryType.SYNC_STARTED).size(),
        b.wal().pendingEntries(WalEntryType.SYNC_STARTED).size() == 1 ? "y" : "ies");
    List<RecoveredSync> recovered = b.coordinator().recoverPending().join();
    for (RecoveredSync r : recovered) {
      System.out.printf(
          "  recovered #%d: %s %s from %s -> %s (%s)%n",
          r.walId(), r.operation(), r.category(), r.peer(), r.action(), r.detail());
    }
    check(
        recovered.size() == 1 && recovered.get(0).action() == RecoveredSync.Action.RESUMED,
        "the interrupted sync was resumed and committed");
    check(b.wal().pendingEntries().isEmpty(), "node-b's WAL has no pending entry left");

    section("Second full cluster sync (nothing new)");
    ClusterSyncStats second =
        nodes.get("node-a").coordinator().fullClusterSync(ALL, Duration.ofSeconds(60)).join();
    print(second);
    check(second.failedNodes().isEmpty(), "no failed nodes");
    check(second.totalFiles() == 0, "0 games and files moved (was " + second.totalFiles() + ")");

    section("Result");
    System.out.printf(
        "%s: %d check(s) failed; %.1f s%n",
        failures == 0 ? "PASS" : "FAIL", failures, (System.nanoTime() - t0) / 1e9);
    return failures == 0 ? 0 : 1;
  }

  private RingRiftNode start(String n) {
    return RingRiftNode.builder(n, root(n))
        .cluster(cluster)
        .authToken(TOKEN)
        .env(Map.of())
        .start()
        .join();
  }

  private Path root(String n) {
    return base.resolve(n);
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      failures++;
    }
    System.out.println((ok ? "PASS " : "FAIL ") + what);
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }

  private static void print(ClusterSyncStats s) {
    System.out.printf(
        "  total: %d files/games, %s, %d nodes synced, %.2f s%n",
        s.totalFiles(), bytes(s.totalBytes()), s.nodesSynced(), s.duration().toMillis() / 1000.0);
    System.out.printf("  failed nodes: %s%n", s.failedNodes().isEmpty() ? "none" : s.failedNodes());
    for (Map.Entry<SyncCategory, SyncStats> e : s.categoryStats().entrySet()) {
      SyncStats st = e.getValue();
      System.out.printf(
          "  %-13s %6d %-6s %10s  errors: %s%n",
          e.getKey(),
          st.filesTransferred(),
          e.getKey() == SyncCategory.GAMES ? "games" : "files",
          bytes(st.bytesTransferred()),
          st.errors().isEmpty() ? "none" : st.errors());
    }
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1 << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1 << 20));
  }

  private List<String> generateGames(String n, long seed, int count) throws IOException {
    Path db = root(n).resolve("data/games/selfplay.db");
    Files.createDirectories(db.getParent());
    try (GameDbGenerator g = GameDbGenerator.create(db, GameDbGenerator.Layout.V18, seed)) {
      List<String> ids = new ArrayList<>(g.bulk(count * 3 / 4, "hex8", 2));
      ids.addAll(g.bulk(count - count * 3 / 4, "square8", 3));
      return ids;
    }
  }

  private static void writeRandom(Path file, int size, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Files.write(file, data);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
  }

  private static Set<String> gameIds(GameStore store) {
    Set<String> ids = new HashSet<>();
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void closeAll() {
    for (RingRiftNode n : nodes.values()) {
      try {
        n.close();
      } catch (RuntimeException e) {
        System.err.println("closing " + n.name() + ": " + e);
      }
    }
    nodes.clear();
  }
}
