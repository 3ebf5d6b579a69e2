package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("status hooks, readiness, and no blocking work on event loops")
class StatusAndThreadsIT {
  @TempDir Path tmp;

  /** A game source that records which threads call it. */
  private static final class RecordingSource implements GameSource {
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public GamePage idsAfter(String cursor, int limit, @Nullable String boardType, int numPlayers) {
      threads.add(Thread.currentThread().getName());
      return new GamePage(List.of(new GameSummary("g1", "hex8", 2, 9, 0.5)), "c1", false);
    }

    @Override
    public void readGames(List<String> gameIds, GameConsumer out) throws IOException {
      threads.add(Thread.currentThread().getName());
      for (String id : gameIds) {
        out.accept(
            new GamePayload(id, ("{\"game_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)));
      }
    }

    @Override
    public Map<String, Long> countsByConfig() {
      threads.add(Thread.currentThread().getName());
      return Map.of("hex8_2p", 1L);
    }
  }

  @Test
  void shouldAddContributedFieldsAndReportReadinessWithoutBlockingEventLoops() throws Exception {
    RecordingSource source = new RecordingSource();
    Set<String> contributorThreads = ConcurrentHashMap.newKeySet();
    AtomicBoolean ready = new AtomicBoolean(false);
    try (P2PServer s =
            TestNodes.start(
                tmp.resolve("n"),
                b ->
                    b.gameSource(source)
                        .readiness(ready::get)
                        .statusContributor(
                            () -> {
                              contributorThreads.add(Thread.currentThread().getName());
                              return Map.of(
                                  "wal_backlog",
                                  3,
                                  "open_breakers",
                                  List.of("host/x"),
                                  "node_id",
                                  "spoofed");
                            })
                        .statusContributor(
                            () -> {
                              throw new IllegalStateException("boom");
                            }));
        P2PSyncClient c = TestNodes.client(s.port())) {
      PeerStatus st = c.getStatus().join();
      assertThat(st.fields())
          .containsEntry("wal_backlog", 3)
          .containsEntry("open_breakers", List.of("host/x"));
      assertThat(st.nodeId()).isEqualTo("n"); // built-in fields win
      assertThat(st.fields().keySet()).anyMatch(k -> k.endsWith("_error"));
      assertThat(st.gameCount()).isEqualTo(1);

      HttpClient jdk = HttpClient.newHttpClient();
      HttpRequest.Builder readyReq =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/ready"))
              .header("Authorization", "Bearer " + TestNodes.TOKEN);
      assertThat(jdk.send(readyReq.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(503);
      ready.set(true);
      assertThat(jdk.send(readyReq.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);

      assertThat(c.listGames("", 10, null, 0).join().games()).hasSize(1);
      assertThat(c.getGames(List.of("a", "b")).join()).hasSize(2);
      assertThat(c.getGameCounts().join()).containsEntry("hex8_2p", 1L);
    }
    assertThat(source.threads).isNotEmpty().allMatch(t -> t.startsWith("p2p-blocking"));
    assertThat(contributorThreads).isNotEmpty().allMatch(t -> t.startsWith("p2p-blocking"));
  }
}
