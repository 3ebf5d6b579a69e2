package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.GameSummary;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("POST /sync/games: a node pulls games from a named source on request")
class SyncGamesIT {
  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** One node: a selfplay database, its store, its service (sink + cursors) and a client to it. */
  private final class Node {
    final Path root;
    final GameDbGenerator selfplay;
    final GameStore store;
    final P2PServer server;

    Node(String name) throws Exception {
      root = tmp.resolve(name);
      Path games = Files.createDirectories(root.resolve("data/games"));
      selfplay =
          GameDbGenerator.create(
              games.resolve("hex8_2p.db"), GameDbGenerator.Layout.V18, name.hashCode());
      open.add(selfplay);
      store = GameStore.builder(games).build();
      open.add(store);
      P2PSyncClient puller =
          P2PSyncClient.builder()
              .env(Map.of())
              .authToken(TestNodes.TOKEN)
              .retries(1, Duration.ofMillis(20), Duration.ofMillis(50))
              .build();
      open.add(puller);
      server =
          TestNodes.start(
              root,
              b ->
                  b.gameSource(GameSource.of(store))
                      .gameSink(GameSink.of(store))
                      .cursorDir(root.resolve("staging/cursors"))
                      .puller(puller));
      open.add(server);
    }

    P2PSyncClient client() {
      P2PSyncClient c = TestNodes.client(server.port());
      open.add(c);
      return c;
    }

    Set<String> ids() {
      Set<String> out = new HashSet<>();
      GameCursor c = GameCursor.start();
      while (true) {
        var page = store.idsAfter(c, 10_000, GameFilter.all()).join();
        page.games().stream().map(GameSummary::gameId).forEach(out::add);
        c = page.next();
        if (!page.hasMore()) {
          return out;
        }
      }
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void shouldPullTheSourcesGamesIntoAUnionThenMoveNothing() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    List<String> own = new ArrayList<>(a.selfplay.bulk(30, "hex8", 2));
    own.add(a.selfplay.completed("square8", 3, 17));
    b.selfplay.bulk(12, "hex8", 2);
    Set<String> union = new HashSet<>(a.ids());
    union.addAll(b.ids());
    assertThat(a.ids()).containsAll(own);

    RemoteGamePull r = b.client().requestGamePull("a", "127.0.0.1", a.server.port()).join();

    assertThat(r.gamesImported()).isEqualTo(31);
    assertThat(r.gamesFetched()).isEqualTo(31);
    assertThat(r.bytes()).isPositive();
    assertThat(b.ids()).isEqualTo(union);
    Path cursor = b.root.resolve("staging/cursors/pull-a.cursor");
    assertThat(cursor).isRegularFile();
    assertThat(Files.readString(cursor)).isNotBlank();

    RemoteGamePull again = b.client().requestGamePull("a", "127.0.0.1", a.server.port()).join();
    assertThat(again.gamesListed()).isZero();
    assertThat(again.gamesFetched()).isZero();
    assertThat(again.gamesImported()).isZero();
    assertThat(b.ids()).isEqualTo(union);
  }

  @Test
  void shouldHonourTheConfigFilterAndTheLimit() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    a.selfplay.bulk(10, "hex8", 2);
    String sq = a.selfplay.completed("square8", 3, 17);

    RemoteGamePull onlySquare =
        b.client()
            .requestGamePull(
                "a", "127.0.0.1", a.server.port(), "square8", 3, 100, Duration.ofSeconds(30))
            .join();
    assertThat(onlySquare.gamesImported()).isEqualTo(1);
    assertThat(b.ids()).containsExactly(sq);

    // Another filter keeps its own cursor semantics: the limit stops inside the listing.
    RemoteGamePull four =
        b.client()
            .requestGamePull(
                "other", "127.0.0.1", a.server.port(), null, 0, 4, Duration.ofSeconds(30))
            .join();
    assertThat(four.gamesFetched()).isEqualTo(4);
    RemoteGamePull rest =
        b.client()
            .requestGamePull(
                "other", "127.0.0.1", a.server.port(), null, 0, 100, Duration.ofSeconds(30))
            .join();
    assertThat(rest.gamesFetched()).isEqualTo(6);
    assertThat(b.ids()).isEqualTo(a.ids());
  }

  @Test
  void shouldRefuseAnUnauthenticatedRequest() throws Exception {
    Node b = new Node("b");
    String body = "{\"source_node_id\":\"a\",\"source_host\":\"127.0.0.1\",\"source_port\":1}";
    String res =
        TestNodes.raw(
            b.server.port(),
            "POST /sync/games HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body);
    assertThat(TestNodes.status(res)).isEqualTo(401);
    assertThat(b.ids()).isEmpty();
  }

  @Test
  void shouldNameAnUnreachableSource() throws Exception {
    Node b = new Node("b");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> b.client().requestGamePull("gone", "127.0.0.1", closed).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(P2PException.class)
        .hasMessageContaining("HTTP 502")
        .hasMessageContaining("127.0.0.1:" + closed);
    assertThat(b.root.resolve("staging/cursors/pull-gone.cursor")).doesNotExist();
  }

  @Test
  void shouldRefuseAnOversizeBody() throws Exception {
    Node b = new Node("b");
    String body =
        "{\"source_node_id\":\"a\",\"source_host\":\"127.0.0.1\",\"source_port\":1,\"pad\":\""
            + "x".repeat(64 * 1024)
            + "\"}";
    String res =
        TestNodes.raw(
            b.server.port(),
            "POST /sync/games HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestNodes.TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body);
    assertThat(TestNodes.status(res)).isEqualTo(413);
    assertThat(res).contains("exceeds the limit");
  }

  @Test
  void shouldRefuseABadBodyAndANodeWithoutASink() throws Exception {
    Node b = new Node("b");
    assertThatThrownBy(() -> b.client().requestGamePull("", "127.0.0.1", 1).join())
        .cause()
        .isInstanceOf(P2PException.class)
        .hasMessageContaining("HTTP 400");
    try (P2PServer bare = TestNodes.start(tmp.resolve("bare"), x -> {});
        P2PSyncClient c = TestNodes.client(bare.port())) {
      assertThatThrownBy(() -> c.requestGamePull("a", "127.0.0.1", 1).join())
          .cause()
          .isInstanceOf(P2PException.NotFound.class);
    }
  }

  @Test
  void shouldRefuseBothPullRequestsWhenTheDiskIsFullerThanTheLimit() throws Exception {
    Path root = tmp.resolve("full");
    Files.createDirectories(root.resolve("data/games"));
    try (GameStore store = GameStore.builder(root.resolve("data/games")).build();
        P2PServer full =
            TestNodes.start(
                root,
                x ->
                    x.env(Map.of("RINGRIFT_MAX_DISK_USAGE_PERCENT", "1"))
                        .gameSink(GameSink.of(store))
                        .cursorDir(root.resolve("staging/cursors")))) {
      for (String[] req :
          List.of(
              new String[] {
                "/sync/games",
                "{\"source_node_id\":\"a\",\"source_host\":\"127.0.0.1\",\"source_port\":1}"
              },
              new String[] {
                "/sync/pull",
                "{\"source_node_id\":\"a\",\"files\":[\"games/x.db\"],"
                    + "\"source_host\":\"127.0.0.1\",\"source_port\":1}"
              })) {
        String res =
            TestNodes.raw(
                full.port(),
                "POST "
                    + req[0]
                    + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TestNodes.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + req[1].length()
                    + "\r\nConnection: close\r\n\r\n"
                    + req[1]);
        assertThat(TestNodes.status(res)).as(req[0]).isEqualTo(507);
        assertThat(res).contains("\"threshold\":1").contains("% full");
      }
      assertThat(root.resolve("staging/cursors/pull-a.cursor")).doesNotExist();
    }
  }
}
