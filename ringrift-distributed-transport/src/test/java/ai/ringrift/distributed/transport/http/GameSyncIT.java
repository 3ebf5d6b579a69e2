package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.transport.http.internal.GameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("games between nodes: union, incremental, VACUUM-proof, once")
class GameSyncIT {
  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** One node: a selfplay database, its store, its service and a client to it. */
  private final class Node {
    final Path games;
    final GameDbGenerator selfplay;
    final GameStore store;
    final P2PServer server;
    final List<String> own = new ArrayList<>();

    Node(String name) throws Exception {
      Path root = tmp.resolve(name);
      games = Files.createDirectories(root.resolve("data/games"));
      selfplay =
          GameDbGenerator.create(
              games.resolve("hex8_2p.db"), GameDbGenerator.Layout.V18, name.hashCode());
      store = GameStore.builder(games).build();
      server = TestNodes.start(root, b -> b.gameSource(GameSource.of(store)));
      open.add(server);
      open.add(store);
      open.add(selfplay);
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

    long count() {
      return store.countsByConfig().join().values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @BeforeEach
  void noop() {}

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void shouldPullDisjointGameSetsIntoAUnionAndThenMoveNothing() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    Node c = new Node("c");
    a.own.addAll(a.selfplay.bulk(40, "hex8", 2));
    a.own.add(a.selfplay.completed("square8", 3, 23));
    a.selfplay.placeholder("hex8", 2, 3); // never travels
    a.selfplay.abandoned("hex8", 2, 4); // never travels
    b.own.addAll(b.selfplay.bulk(25, "hex8", 2));
    b.own.add(b.selfplay.completed("hex8", 2, 41));

    GameSink sinkC = GameSink.of(c.store);
    GamePullResult fromA =
        c.client().withPeer("127.0.0.1", a.server.port()).pullGamesSince("", sinkC).join();
    GamePullResult fromB =
        c.client().withPeer("127.0.0.1", b.server.port()).pullGamesSince("", sinkC).join();
    assertThat(fromA.imported()).isEqualTo(41);
    assertThat(fromB.imported()).isEqualTo(26);
    Set<String> union = new HashSet<>(a.own);
    union.addAll(b.own);
    assertThat(c.ids()).isEqualTo(union);
    assertThat(c.store.countsByConfig().join().toString()).contains("square8_3p=1");

    GamePullResult again =
        c.client()
            .withPeer("127.0.0.1", a.server.port())
            .pullGamesSince(fromA.cursor(), sinkC)
            .join();
    assertThat(again.listed()).isZero();
    assertThat(again.fetched()).isZero();
    assertThat(again.imported()).isZero();
    assertThat(again.cursor()).isEqualTo(fromA.cursor());

    // A pulls B's games: A holds the union too, and says so in /status and /game_counts.
    a.client()
        .withPeer("127.0.0.1", b.server.port())
        .pullGamesSince("", GameSink.of(a.store))
        .join();
    assertThat(a.ids()).isEqualTo(union);
    PeerStatus st = c.client().withPeer("127.0.0.1", a.server.port()).getStatus().join();
    assertThat(st.gameCount()).isEqualTo(union.size());
    assertThat(st.gameCounts()).containsEntry("square8_3p", 1L);
    HttpResponse<String> py =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + a.server.port() + "/game_counts"))
                    .header("X-RingRift-Auth", TestNodes.TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(py.statusCode()).isEqualTo(200);
    assertThat(py.body())
        .contains("\"game_counts\":{\"hex8_2p\":" + (union.size() - 1) + ",\"square8_3p\":1}");
  }

  @Test
  void shouldMoveOnlyNewGamesAfterAVacuumOnTheSource() throws Exception {
    Node a = new Node("a");
    Node c = new Node("c");
    List<String> first = a.selfplay.bulk(30, "hex8", 2);
    String doomed = first.get(3);
    P2PSyncClient toA = c.client().withPeer("127.0.0.1", a.server.port());
    GamePullResult r1 = toA.pullGamesSince("", GameSink.of(c.store)).join();
    assertThat(r1.imported()).isEqualTo(30);

    a.selfplay.delete(doomed);
    a.selfplay.vacuum(); // renumbers rowids
    List<String> fresh = a.selfplay.bulk(3, "hex8", 2);
    GamePullResult r2 = toA.pullGamesSince(r1.cursor(), GameSink.of(c.store)).join();
    assertThat(r2.listed()).isEqualTo(3);
    assertThat(r2.imported()).isEqualTo(3);
    assertThat(c.ids()).containsAll(fresh).hasSize(33);

    GamePullResult r3 = toA.pullGamesSince(r2.cursor(), GameSink.of(c.store)).join();
    assertThat(r3.listed()).isZero();
  }

  @Test
  void shouldStoreOnceAGameThatReachedAPeerFromAThirdNode() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    Node c = new Node("c");
    List<String> fromA = a.selfplay.bulk(10, "hex8", 2);
    // b gets a's games, then c pulls from a and from b: the same ten games, stored once.
    b.client()
        .withPeer("127.0.0.1", a.server.port())
        .pullGamesSince("", GameSink.of(b.store))
        .join();
    GamePullResult ca =
        c.client()
            .withPeer("127.0.0.1", a.server.port())
            .pullGamesSince("", GameSink.of(c.store))
            .join();
    GamePullResult cb =
        c.client()
            .withPeer("127.0.0.1", b.server.port())
            .pullGamesSince("", GameSink.of(c.store))
            .join();
    assertThat(ca.imported()).isEqualTo(10);
    assertThat(cb.imported()).isZero();
    assertThat(cb.listed()).isEqualTo(10);
    assertThat(cb.fetched()).isZero(); // not even transferred twice
    assertThat(c.ids()).containsExactlyInAnyOrderElementsOf(fromA);
    assertThat(c.count()).isEqualTo(10);
    // And back: a pulling from c gets nothing new.
    GamePullResult ac =
        a.client()
            .withPeer("127.0.0.1", c.server.port())
            .pullGamesSince("", GameSink.of(a.store))
            .join();
    assertThat(ac.imported()).isZero();
    assertThat(a.count()).isEqualTo(10);
  }

  @Test
  void shouldDeliverGamesByIdByteForByte() throws Exception {
    Node a = new Node("a");
    String rich = a.selfplay.completed("hexagonal", 4, 45);
    String placeholder = a.selfplay.placeholder("hex8", 2, 3);
    List<GamePayload> got =
        TestNodes.client(a.server.port())
            .getGames(List.of(rich, placeholder, "no-such-game"))
            .join();
    assertThat(got).extracting(GamePayload::gameId).containsExactly(rich);
    List<GameRecord> direct = new ArrayList<>();
    a.store.readGames(List.of(rich), direct::add).join();
    assertThat(GameCodec.decode(got.get(0))).isEqualTo(direct.get(0));
  }

  @Test
  void shouldFilterByConfigAndPageThroughLargeSets() throws Exception {
    Node a = new Node("a");
    Node c = new Node("c");
    a.selfplay.bulk(120, "hex8", 2);
    a.selfplay.bulk(7, "square19", 2);
    P2PSyncClient toA =
        P2PSyncClient.builder()
            .env(Map.of())
            .authToken(TestNodes.TOKEN)
            .peer("127.0.0.1", a.server.port())
            .gameBatches(25, 10)
            .build();
    open.add(toA);
    GamePullResult r =
        toA.pullGamesSince("", GameSink.of(c.store), "square19", 2, Long.MAX_VALUE).join();
    assertThat(r.imported()).isEqualTo(7);
    assertThat(c.store.countsByConfig().join().toString()).isEqualTo("{square19_2p=7}");
    GamePullResult all = toA.pullGamesSince("", GameSink.of(c.store)).join();
    assertThat(all.imported()).isEqualTo(120);
    assertThat(all.listed()).isEqualTo(127);
  }
}
