package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.core.ClusterSyncStats;
import ai.ringrift.distributed.core.RingRiftNode;
import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.core.config.SyncSettings;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cluster-sync}: three nodes on loopback, each holding its own self-play database of 20,000
 * games ({@code --quick}: 2,000). Ours: {@code fullClusterSync(GAMES)} from one node, cold (every
 * node to the union), then again after 100 new games appeared on each node. Baseline: what the
 * Python cluster's full sync does with games, copying every node's whole database file to every
 * other node (here over the same P2P service's {@code /sync/file}), cold and after the new games.
 * Time and bytes moved. Between the cold and the incremental run, one full sync with nothing new
 * settles the cluster (its time is noted), so the incremental figures are the steady state.
 */
public final class CoreClusterSyncBenchmark implements Benchmark {
  private static final String TOKEN = "bench-token";
  private static final List<String> NODES = List.of("n1", "n2", "n3");

  @Override
  public String name() {
    return "cluster-sync";
  }

  @Override
  public String description() {
    return "3 nodes: full cluster sync of games (cold, then 100 new games each) vs copying every DB"
        + " file to every node";
  }

  @Override
  public BenchReport run(BenchContext ctx) throws Exception {
    int perNode = ctx.quick() ? 2_000 : 20_000;
    int fresh = 100;
    BenchReport report = new BenchReport(name());
    report.note("games_per_node", perNode).note("new_games_per_node", fresh);
    ClusterConfig.Builder cb =
        ClusterConfig.builder()
            .sync(
                SyncSettings.builder()
                    .maxConcurrentSyncs(2)
                    .timeout(Duration.ofMinutes(20))
                    .build());
    for (String n : NODES) {
      cb.host(
          HostConfig.builder(n).sshHost("127.0.0.1").p2pPort(freePort()).status("ready").build());
    }
    ClusterConfig cluster = cb.build();
    Map<String, GameDbGenerator> gens = new LinkedHashMap<>();
    Map<String, RingRiftNode> nodes = new LinkedHashMap<>();
    try (P2PSyncClient client =
        P2PSyncClient.builder()
            .env(Map.of())
            .authToken(TOKEN)
            .deadline(Duration.ofMinutes(20))
            .build()) {
      long seed = 1;
      for (String n : NODES) {
        Path db = ctx.scratchDir().resolve(n).resolve("data/games/selfplay.db");
        Files.createDirectories(db.getParent());
        GameDbGenerator g = GameDbGenerator.create(db, GameDbGenerator.Layout.V18, seed++);
        gens.put(n, g);
        g.bulk(perNode, "hex8", 2);
      }
      for (String n : NODES) {
        nodes.put(
            n,
            RingRiftNode.builder(n, ctx.scratchDir().resolve(n))
                .cluster(cluster)
                .authToken(TOKEN)
                .env(Map.of())
                .start()
                .join());
      }
      RingRiftNode hub = nodes.get("n1");

      // Baseline, cold: every database file to every other node (into a scratch copy area).
      double[] copyCold = copyAll(client, cluster, ctx.scratchDir().resolve("copies-cold"));
      long t0 = System.nanoTime();
      ClusterSyncStats cold =
          hub.coordinator()
              .fullClusterSync(EnumSet.of(SyncCategory.GAMES), Duration.ofMinutes(20))
              .join();
      double coldSecs = (System.nanoTime() - t0) / 1e9;
      check(cold);

      // Settle: the hub lists once more what the peers pulled from it during the cold run (after
      // its cursors; none is fetched). Steady state starts after this run.
      long ts = System.nanoTime();
      check(
          hub.coordinator()
              .fullClusterSync(EnumSet.of(SyncCategory.GAMES), Duration.ofMinutes(20))
              .join());
      report.note("settle_run_s", (System.nanoTime() - ts) / 1e9);

      for (GameDbGenerator g : gens.values()) {
        g.bulk(fresh, "hex8", 2);
      }
      double[] copyInc = copyAll(client, cluster, ctx.scratchDir().resolve("copies-inc"));
      long t1 = System.nanoTime();
      ClusterSyncStats inc =
          hub.coordinator()
              .fullClusterSync(EnumSet.of(SyncCategory.GAMES), Duration.ofMinutes(20))
              .join();
      double incSecs = (System.nanoTime() - t1) / 1e9;
      check(inc);
      report
          .note("cold_games_moved", cold.totalFiles())
          .note("incremental_games_moved", inc.totalFiles());

      String base = "copy every DB file";
      report.add(
          new BenchReport.Row(
              "cold full sync, time", "s", coldSecs, base, copyCold[0], false, null));
      report.add(
          new BenchReport.Row(
              "cold full sync, bytes",
              "MiB",
              cold.totalBytes() / 1048576.0,
              base,
              copyCold[1] / 1048576.0,
              false,
              null));
      report.add(
          new BenchReport.Row(
              "incremental full sync, time", "s", incSecs, base, copyInc[0], false, null));
      report.add(
          new BenchReport.Row(
              "incremental full sync, bytes",
              "MiB",
              inc.totalBytes() / 1048576.0,
              base,
              copyInc[1] / 1048576.0,
              false,
              null));
    } finally {
      for (RingRiftNode n : nodes.values()) {
        n.close();
      }
      for (GameDbGenerator g : gens.values()) {
        g.close();
      }
    }
    return report;
  }

  private static void check(ClusterSyncStats s) {
    if (!s.failedNodes().isEmpty()) {
      throw new IllegalStateException("full cluster sync failed on " + s.failedNodes());
    }
  }

  /** Downloads every node's selfplay.db for each other node; returns {seconds, bytes}. */
  private static double[] copyAll(P2PSyncClient client, ClusterConfig cluster, Path into)
      throws IOException {
    long t0 = System.nanoTime();
    long bytes = 0;
    List<DownloadResult> done = new ArrayList<>();
    for (String src : NODES) {
      int port = cluster.host(src).orElseThrow().p2pPort();
      for (String dst : NODES) {
        if (dst.equals(src)) {
          continue;
        }
        Path dest = Files.createDirectories(into.resolve(dst)).resolve(src + ".db");
        done.add(
            client.withPeer("127.0.0.1", port).downloadSyncFile("games/selfplay.db", dest).join());
      }
    }
    for (DownloadResult r : done) {
      bytes += r.bytesTransferred();
    }
    return new double[] {(System.nanoTime() - t0) / 1e9, bytes};
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
