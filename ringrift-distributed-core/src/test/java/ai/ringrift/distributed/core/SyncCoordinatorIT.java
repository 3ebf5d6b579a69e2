package ai.ringrift.distributed.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import ai.ringrift.distributed.transport.http.PeerStatus;
import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalEntryType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in this JVM on loopback ports, each with its own directories and P2P service: a full
 * cluster sync brings all of them to the union of games and the newest model files, a second run
 * moves nothing, a dead node is reported, and a sync a crash left pending is recovered.
 */
class SyncCoordinatorIT {
  private static final Set<SyncCategory> ALL = EnumSet.allOf(SyncCategory.class);

  @TempDir Path tmp;

  @Test
  void fullClusterSyncBringsEveryNodeToTheUnionAndASecondRunMovesNothing() {
    try (LocalCluster cluster = new LocalCluster(tmp, List.of("a", "b", "c"), List.of())) {
      Set<String> union = new HashSet<>();
      union.addAll(cluster.generateGames("a", 1, 120));
      union.addAll(cluster.generateGames("b", 2, 80));
      union.addAll(cluster.generateGames("c", 3, 40));
      long now = Instant.now().toEpochMilli();
      Path newest =
          LocalCluster.writeFile(
              cluster.root("a").resolve("models/hex8_2p/best.pth"), 3 << 20, 7, now - 1_000);
      LocalCluster.writeFile(
          cluster.root("b").resolve("models/hex8_2p/best.pth"), 1 << 20, 8, now - 3_600_000);
      LocalCluster.writeFile(
          cluster.root("c").resolve("models/square8_3p/v2.onnx"), 200_000, 9, now - 60_000);
      LocalCluster.writeFile(
          cluster.root("b").resolve("data/training/hex8_2p/batch1.npz"), 500_000, 10, now);
      for (String n : List.of("a", "b", "c")) {
        cluster.start(n);
      }

      ClusterSyncStats first =
          cluster.nodes.get("b").coordinator().fullClusterSync(ALL, Duration.ofSeconds(60)).join();

      assertThat(first.failedNodes()).isEmpty();
      assertThat(first.nodesSynced()).isEqualTo(3);
      assertThat(first.totalFiles()).isPositive();
      assertThat(first.categoryStats().get(SyncCategory.GAMES).filesTransferred()).isPositive();
      String modelSha = LocalCluster.sha(newest);
      for (String n : List.of("a", "b", "c")) {
        RingRiftNode node = cluster.nodes.get(n);
        assertThat(LocalCluster.gameIds(node.gameStore())).as("games of %s", n).isEqualTo(union);
        Path models = cluster.root(n).resolve("models");
        assertThat(LocalCluster.sha(models.resolve("hex8_2p/best.pth")))
            .as("best.pth on %s", n)
            .isEqualTo(modelSha);
        assertThat(models.resolve("square8_3p/v2.onnx")).exists();
        assertThat(cluster.root(n).resolve("data/training/hex8_2p/batch1.npz")).exists();
        assertThat(node.wal().pendingEntries()).as("WAL of %s", n).isEmpty();
        // Games moved as games (POST /sync/games): no database file was exported or copied.
        assertThat(cluster.root(n).resolve("data/games/ringrift-exchange")).doesNotExist();
        if (!n.equals("b")) {
          assertThat(cluster.root(n).resolve("data/sync_staging/cursors/pull-b.cursor"))
              .as("%s's cursor for the games b asked it to pull", n)
              .isRegularFile();
        }
      }

      ClusterSyncStats second =
          cluster.nodes.get("b").coordinator().fullClusterSync(ALL, Duration.ofSeconds(60)).join();
      assertThat(second.failedNodes()).isEmpty();
      assertThat(second.totalFiles()).isZero();
      // Game listings still cost bytes (peers list the games they received after our cursor once
      // more, and we fetch none of them); files move no byte.
      for (SyncCategory c : EnumSet.complementOf(EnumSet.of(SyncCategory.GAMES))) {
        assertThat(second.categoryStats().get(c).bytesTransferred()).as("%s bytes", c).isZero();
      }
      SyncStats games = cluster.nodes.get("a").coordinator().sync(SyncCategory.GAMES).join();
      assertThat(games.filesTransferred()).isZero();
      assertThat(games.errors()).isEmpty();

      // pushFile: the destination pulls the file from this node.
      Path extra =
          LocalCluster.writeFile(
              cluster.root("a").resolve("models/hex8_2p/extra.pth"), 50_000, 11, now);
      TransferResult pushed =
          cluster
              .nodes
              .get("a")
              .coordinator()
              .pushFile(
                  extra,
                  "models/hex8_2p/extra.pth",
                  cluster.config.host("c").orElseThrow().toRemoteHost())
              .join();
      assertThat(pushed.filesTransferred()).isEqualTo(1);
      assertThat(LocalCluster.sha(cluster.root("c").resolve("models/hex8_2p/extra.pth")))
          .isEqualTo(LocalCluster.sha(extra));
    }
  }

  @Test
  void aDeadNodeIsReportedWithAReasonWhileTheOthersSync() {
    try (LocalCluster cluster = new LocalCluster(tmp, List.of("a", "b", "c"), List.of("dead"))) {
      Set<String> union = new HashSet<>();
      union.addAll(cluster.generateGames("a", 11, 40));
      union.addAll(cluster.generateGames("c", 13, 40));
      LocalCluster.writeFile(
          cluster.root("c").resolve("models/hex8_2p/best.pth"),
          100_000,
          5,
          System.currentTimeMillis());
      for (String n : List.of("a", "b", "c")) {
        cluster.start(n);
      }

      ClusterSyncStats stats =
          cluster
              .nodes
              .get("a")
              .coordinator()
              .fullClusterSync(
                  EnumSet.of(SyncCategory.GAMES, SyncCategory.MODELS), Duration.ofSeconds(60))
              .join();

      assertThat(stats.failedNodes()).containsOnlyKeys("dead");
      assertThat(stats.failedNodes().get("dead")).isNotBlank();
      assertThat(stats.nodesSynced()).isEqualTo(3);
      assertThat(stats.categoryStats().get(SyncCategory.GAMES).errors())
          .anySatisfy(e -> assertThat(e).startsWith("dead:"));
      for (String n : List.of("a", "b", "c")) {
        assertThat(LocalCluster.gameIds(cluster.nodes.get(n).gameStore())).isEqualTo(union);
        assertThat(cluster.root(n).resolve("models/hex8_2p/best.pth")).exists();
      }

      // The node's status carries the WAL backlog and the open breakers (the dead node's, once
      // enough syncs failed against it).
      for (int i = 0; i < 3; i++) {
        cluster.nodes.get("a").coordinator().sync(SyncCategory.GAMES).join();
      }
      try (P2PSyncClient client =
          P2PSyncClient.builder().env(Map.of()).authToken(LocalCluster.TOKEN).build()) {
        PeerStatus status = client.withPeer("127.0.0.1", cluster.ports.get("a")).getStatus().join();
        assertThat(((Number) status.fields().get("wal_pending_entries")).longValue()).isZero();
        assertThat(String.valueOf(status.fields().get("open_breakers"))).isEqualTo("[host/dead]");
        assertThat(status.gameCount()).isEqualTo(union.size());
      }
    }
  }

  @Test
  void aPeerThatNeverAnswersIsReportedTimedOutWhenTheBudgetRunsOut() throws IOException {
    // A listening socket nobody accepts on: connections complete in the kernel, no byte comes back.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LocalCluster cluster =
            new LocalCluster(
                tmp, List.of("a", "b"), List.of(), Map.of("silent", silent.getLocalPort()))) {
      List<String> bGames = cluster.generateGames("b", 31, 20);
      cluster.start("a");
      cluster.start("b");

      ClusterSyncStats stats =
          cluster
              .nodes
              .get("a")
              .coordinator()
              .fullClusterSync(EnumSet.of(SyncCategory.GAMES), Duration.ofSeconds(3))
              .join();

      assertThat(stats.failedNodes()).containsOnlyKeys("silent");
      assertThat(stats.failedNodes().get("silent")).contains("timed out");
      assertThat(LocalCluster.gameIds(cluster.nodes.get("a").gameStore())).containsAll(bGames);
    }
  }

  @Test
  void configsComeOnlyFromTheCoordinatorRoleAndModelsFromEveryPeer() {
    try (LocalCluster cluster =
        new LocalCluster(
            tmp, List.of("hub", "w1", "w2"), List.of(), Map.of(), Map.of("hub", "coordinator"))) {
      LocalCluster.writeFile(cluster.root("hub").resolve("config/selfplay.yaml"), 300, 1, 1_000);
      LocalCluster.writeFile(cluster.root("w1").resolve("config/local.yaml"), 300, 2, 1_000);
      LocalCluster.writeFile(cluster.root("w1").resolve("models/m.pth"), 4_000, 3, 1_000);
      for (String n : List.of("hub", "w1", "w2")) {
        cluster.start(n);
      }
      RingRiftNode w2 = cluster.nodes.get("w2");

      SyncStats configs = w2.coordinator().sync(SyncCategory.CONFIGS).join();
      SyncStats models = w2.coordinator().sync(SyncCategory.MODELS).join();

      assertThat(configs.filesTransferred()).isEqualTo(1);
      assertThat(cluster.root("w2").resolve("config/selfplay.yaml")).exists();
      assertThat(cluster.root("w2").resolve("config/local.yaml")).doesNotExist();
      assertThat(models.filesTransferred()).isEqualTo(1);
      assertThat(cluster.root("w2").resolve("models/m.pth").toFile().lastModified())
          .isEqualTo(1_000);
      assertThat(w2.wal().pendingEntries()).isEmpty();
    }
  }

  @Test
  void recoverPendingResumesASyncACrashInterruptedAndRollsBackWhatItCannot() {
    try (LocalCluster cluster = new LocalCluster(tmp, List.of("a", "b"), List.of())) {
      List<String> aGames = cluster.generateGames("a", 21, 30);
      cluster.start("a");
      // A crash between SYNC_STARTED and its commit: the entries are durable, nothing followed.
      try (UnifiedWal wal = UnifiedWal.open(cluster.root("b").resolve("data/wal"))) {
        wal.appendJson(
                WalEntryType.SYNC_STARTED,
                Map.of("category", "GAMES", "peer", "a", "op", "pull", "node", "b"))
            .join();
        wal.appendJson(
                WalEntryType.SYNC_STARTED,
                Map.of("category", "MODELS", "peer", "gone", "op", "pull", "node", "b"))
            .join();
      }
      RingRiftNode b = cluster.start("b");
      assertThat(b.wal().pendingEntries(WalEntryType.SYNC_STARTED)).hasSize(2);

      List<RecoveredSync> recovered = b.coordinator().recoverPending().join();

      assertThat(recovered).hasSize(2);
      assertThat(recovered.get(0).action()).isEqualTo(RecoveredSync.Action.RESUMED);
      assertThat(recovered.get(0).category()).isEqualTo(SyncCategory.GAMES);
      assertThat(recovered.get(0).peer()).isEqualTo("a");
      assertThat(recovered.get(1).action()).isEqualTo(RecoveredSync.Action.ROLLED_BACK);
      assertThat(recovered.get(1).detail()).contains("gone");
      assertThat(b.wal().pendingEntries()).isEmpty();
      assertThat(LocalCluster.gameIds(b.gameStore())).containsAll(aGames);
      assertThat(b.coordinator().cursors()).containsKey("a");
    }
  }
}
