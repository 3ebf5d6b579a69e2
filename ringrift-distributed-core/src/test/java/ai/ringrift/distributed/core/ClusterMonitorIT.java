package ai.ringrift.distributed.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.core.monitor.ClusterMonitor;
import ai.ringrift.distributed.core.monitor.ClusterStatus;
import ai.ringrift.distributed.core.monitor.ClusterStatusFormat;
import ai.ringrift.distributed.core.monitor.NodeStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real nodes on loopback ports plus one configured host nobody listens on: the monitor shows
 * two online with their game counts and one offline with the reason, and its watch delivers updates
 * until cancelled.
 */
class ClusterMonitorIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void twoOnlineWithTheirGamesOneOfflineAndAWatchThatStops() throws Exception {
    try (LocalCluster cluster = new LocalCluster(tmp, List.of("a", "b"), List.of("dead"))) {
      cluster.generateGames("a", 1, 40);
      cluster.generateGames("b", 2, 20);
      cluster.start("a");
      cluster.start("b");

      try (ClusterMonitor monitor =
          ClusterMonitor.builder(cluster.config)
              .authToken(LocalCluster.TOKEN)
              .env(Map.of())
              .timeout(TIMEOUT)
              .build()) {
        // Under the per-node timeout: the dead port is refused at once, not waited for.
        ClusterStatus s = monitor.clusterStatus().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(s.nodesTotal()).isEqualTo(3);
        assertThat(s.nodesOnline()).isEqualTo(2);
        assertThat(s.nodes()).extracting(NodeStatus::host).containsExactly("a", "b", "dead");
        NodeStatus a = s.nodes().get(0);
        NodeStatus b = s.nodes().get(1);
        NodeStatus dead = s.nodes().get(2);
        assertThat(a.online()).isTrue();
        assertThat(a.gameCount()).isEqualTo(40);
        assertThat(a.gameCounts()).containsEntry("hex8_2p", 30L).containsEntry("square8_3p", 10L);
        assertThat(b.gameCount()).isEqualTo(20);
        assertThat(b.gameCounts()).containsEntry("hex8_2p", 15L).containsEntry("square8_3p", 5L);
        assertThat(a.walPending()).isZero();
        assertThat(a.openBreakers()).isEmpty();
        assertThat(a.diskUsedPercent()).isBetween(0.0, 100.0);
        assertThat(a.diskFreeGb()).isPositive();
        assertThat(a.version()).isNotEmpty();
        assertThat(a.error()).isNull();
        assertThat(dead.online()).isFalse();
        assertThat(dead.address()).isEqualTo("127.0.0.1:" + cluster.ports.get("dead"));
        assertThat(dead.error()).contains("connection refused").contains(dead.address());
        assertThat(s.totalGames()).isEqualTo(60);
        assertThat(s.gamesByConfig()).containsEntry("hex8_2p", 45L);

        String text = ClusterStatusFormat.text(s, ZoneOffset.UTC);
        assertThat(text).contains("Nodes Online:   2/3").contains("dead: " + dead.error());

        List<ClusterStatus> seen = new CopyOnWriteArrayList<>();
        ClusterMonitor.Watch watch = monitor.watch(Duration.ofMillis(100), seen::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
        watch.close();
        int delivered = seen.size();
        assertThat(seen).allSatisfy(u -> assertThat(u.nodesOnline()).isEqualTo(2));
        // Several intervals pass after the cancel and nothing more arrives (a listener call already
        // running at the cancel may still finish: at most one).
        await()
            .during(Duration.ofMillis(600))
            .atMost(Duration.ofSeconds(2))
            .until(() -> seen.size() <= delivered + 1);
        assertThat(watch.updates()).isLessThanOrEqualTo(delivered + 1L);
      }
    }
  }

  @Test
  void aHostThatAcceptsButNeverAnswersIsOfflineAfterTheTimeout() throws IOException {
    // The listen backlog completes the TCP handshake; nobody ever reads the request.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LocalCluster cluster =
            new LocalCluster(tmp, List.of(), List.of(), Map.of("silent", silent.getLocalPort()));
        ClusterMonitor monitor =
            ClusterMonitor.builder(cluster.config)
                .authToken(LocalCluster.TOKEN)
                .timeout(Duration.ofMillis(500))
                .build()) {
      ClusterStatus s = monitor.clusterStatus().join();
      assertThat(s.nodesOnline()).isZero();
      assertThat(s.nodes().get(0).online()).isFalse();
      assertThat(s.nodes().get(0).error()).isNotBlank();
    }
  }

  @Test
  void aClosedMonitorRefusesWork() {
    LocalCluster cluster = new LocalCluster(tmp, List.of(), List.of("x"));
    ClusterMonitor monitor = ClusterMonitor.builder(cluster.config).authToken("t").build();
    monitor.close();
    monitor.close();
    assertThatThrownBy(() -> monitor.clusterStatus().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> monitor.watch(Duration.ofSeconds(1), x -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unknownHostNamesAreRejectedWithTheName() {
    LocalCluster cluster = new LocalCluster(tmp, List.of(), List.of("x"));
    assertThatThrownBy(
            () -> ClusterMonitor.builder(cluster.config).hosts(List.of("x", "nope")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }
}
