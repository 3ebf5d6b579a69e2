package ai.ringrift.distributed.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.HostConfig;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalEntryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator without peers on the network: building, a lone node, recovery, closing. */
class SyncCoordinatorTest {
  @TempDir Path root;
  private GameStore store;
  private UnifiedWal wal;
  private final ClusterConfig lone =
      ClusterConfig.builder()
          .host(HostConfig.builder("me").sshHost("127.0.0.1").p2pPort(1).status("ready").build())
          .host(HostConfig.builder("off").sshHost("127.0.0.1").p2pPort(2).status("offline").build())
          .build();

  @BeforeEach
  void open() {
    store = GameStore.open(root.resolve("data/games"));
    wal = UnifiedWal.open(root.resolve("data/wal"));
  }

  @AfterEach
  void close() {
    store.close();
    wal.close();
  }

  private SyncCoordinator.Builder builder() {
    return SyncCoordinator.builder()
        .cluster(lone)
        .nodeName("me")
        .root(root)
        .gameStore(store)
        .wal(wal)
        .env(Map.of());
  }

  @Test
  void buildRequiresTheEssentialsAndANodeItCanAdvertise() {
    assertThatThrownBy(() -> SyncCoordinator.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("required");
    assertThatThrownBy(() -> builder().nodeName("stranger").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stranger");
    assertThatThrownBy(() -> builder().advertise("127.0.0.1", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
    try (SyncCoordinator c = builder().nodeName("stranger").advertise("127.0.0.1", 9).build()) {
      assertThat(c.nodeName()).isEqualTo("stranger");
      assertThat(c.toBuilder().build().nodeName()).isEqualTo("stranger");
    }
  }

  @Test
  void aNodeWithoutReadyPeersSyncsNothingAndCountsItself() {
    try (SyncCoordinator c = builder().build()) {
      SyncStats games = c.sync(SyncCategory.GAMES).join();
      assertThat(games.filesTransferred()).isZero();
      assertThat(games.errors()).isEmpty();
      ClusterSyncStats all =
          c.fullClusterSync(EnumSet.noneOf(SyncCategory.class), Duration.ofSeconds(5)).join();
      assertThat(all.nodesSynced()).isEqualTo(1);
      assertThat(all.failedNodes()).isEmpty();
      assertThat(all.categoryStats()).containsOnlyKeys(SyncCategory.values());
    }
    assertThat(wal.pendingEntries()).isEmpty();
  }

  @Test
  void recoveryRollsBackEntriesItCannotResumeAndSaysWhy() {
    long unknownPeer =
        wal.appendJson(
                WalEntryType.SYNC_STARTED,
                Map.of("category", "MODELS", "peer", "off", "op", "pull", "node", "me"))
            .join();
    long garbage = wal.append(WalEntryType.SYNC_STARTED, new byte[] {1, 2, 3}).join();
    long other = wal.appendJson(WalEntryType.EXPORT_STARTED, Map.of("x", 1)).join();
    try (SyncCoordinator c = builder().build()) {
      List<RecoveredSync> done = c.recoverPending().join();
      assertThat(done).extracting(RecoveredSync::walId).containsExactly(unknownPeer, garbage);
      assertThat(done)
          .allSatisfy(r -> assertThat(r.action()).isEqualTo(RecoveredSync.Action.ROLLED_BACK));
      assertThat(done.get(0).category()).isEqualTo(SyncCategory.MODELS);
      assertThat(done.get(0).detail()).contains("off");
      assertThat(done.get(1).detail()).isNotBlank();
    }
    assertThat(wal.pendingEntries()).extracting(e -> e.id()).containsExactly(other);
  }

  @Test
  void aClosedCoordinatorFailsCallsWithSyncExceptionAndClosesTwiceQuietly() {
    SyncCoordinator c = builder().build();
    c.close();
    c.close();
    assertThatThrownBy(() -> c.sync(SyncCategory.MODELS).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SyncException.class)
        .hasMessageContaining("closed");
  }
}
