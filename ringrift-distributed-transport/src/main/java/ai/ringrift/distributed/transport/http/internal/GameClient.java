package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.GamePage;
import ai.ringrift.distributed.transport.http.GamePayload;
import ai.ringrift.distributed.transport.http.GamePullResult;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.GameSummary;
import ai.ringrift.distributed.transport.http.P2PException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Game listing, fetching and pulling for one peer view. */
public final class GameClient {
  private final PeerCalls calls;
  private final int pageSize;
  private final int importBatch;

  /**
   * Creates the game calls of a view.
   *
   * @param calls the view's calls
   * @param pageSize ids per listing
   * @param importBatch games per sink transaction
   */
  public GameClient(PeerCalls calls, int pageSize, int importBatch) {
    this.calls = calls;
    this.pageSize = pageSize;
    this.importBatch = importBatch;
  }

  /**
   * @return ids per listing page
   */
  public int pageSize() {
    return pageSize;
  }

  /**
   * @return games per sink transaction
   */
  public int importBatch() {
    return importBatch;
  }

  /**
   * One listing page.
   *
   * @param cursor the cursor
   * @param limit the limit
   * @param boardType filter or null
   * @param numPlayers filter or 0
   * @return the page
   */
  public CompletableFuture<GamePage> list(
      String cursor, int limit, @Nullable String boardType, int numPlayers) {
    return calls
        .getJson(listPath(cursor, limit, boardType, numPlayers))
        .thenApply(GameClient::page);
  }

  /**
   * Games by id, collected.
   *
   * @param ids the ids
   * @return the games
   */
  public CompletableFuture<List<GamePayload>> get(List<String> ids) {
    List<String> copy = List.copyOf(ids);
    return calls
        .core()
        .call(
            calls.host(),
            "POST /games/fetch",
            true,
            false,
            calls.core().settings().deadline(),
            ctx -> {
              List<GamePayload> out = new ArrayList<>();
              fetchInto(ctx, copy, out::add, new long[1]);
              return out;
            });
  }

  /**
   * The whole pull loop, run as one call on the executor.
   *
   * @param cursor start cursor
   * @param sink where games go
   * @param boardType filter or null
   * @param numPlayers filter or 0
   * @param maxGames stop after this many fetched
   * @return the result
   */
  public CompletableFuture<GamePullResult> pull(
      String cursor, GameSink sink, @Nullable String boardType, int numPlayers, long maxGames) {
    String host = calls.host();
    return calls
        .core()
        .call(
            host,
            "pull games",
            true,
            false,
            calls.core().settings().deadline(),
            ctx -> {
              long t0 = System.nanoTime();
              String cur = cursor;
              long listed = 0;
              long fetched = 0;
              long imported = 0;
              long[] bytes = new long[1];
              while (fetched < maxGames) {
                URI u = calls.uri(listPath(cur, pageSize, boardType, numPlayers));
                HttpResponse<WatchedStream> r =
                    ctx.send(ctx.request(u).GET().build(), "GET /games/ids");
                GamePage page;
                try (WatchedStream in = r.body()) {
                  byte[] b = in.readAllBytes();
                  bytes[0] += b.length;
                  page = page(Json.object(b));
                }
                listed += page.games().size();
                List<String> ids = page.games().stream().map(GameSummary::gameId).toList();
                Set<String> missing = ids.isEmpty() ? Set.of() : sink.missing(ids);
                List<String> want = ids.stream().filter(missing::contains).toList();
                if (fetched + want.size() > maxGames) {
                  // Stop inside this page: the cursor stays before it so the rest is listed again.
                  want = want.subList(0, (int) (maxGames - fetched));
                  page = new GamePage(page.games(), cur, true);
                }
                if (!want.isEmpty()) {
                  List<GamePayload> batch = new ArrayList<>(importBatch);
                  long[] stored = new long[1];
                  long[] got = new long[1];
                  fetchInto(
                      ctx,
                      want,
                      g -> {
                        batch.add(g);
                        got[0]++;
                        if (batch.size() >= importBatch) {
                          stored[0] += sink.importGames(List.copyOf(batch), host);
                          batch.clear();
                        }
                      },
                      bytes);
                  if (!batch.isEmpty()) {
                    stored[0] += sink.importGames(List.copyOf(batch), host);
                  }
                  fetched += got[0];
                  imported += stored[0];
                }
                cur = page.nextCursor();
                if (!page.hasMore() || page.games().isEmpty()) {
                  break;
                }
              }
              return new GamePullResult(
                  host,
                  cur,
                  listed,
                  fetched,
                  imported,
                  bytes[0],
                  Duration.ofNanos(System.nanoTime() - t0));
            });
  }

  /** Streams the games with {@code ids} (in chunks of 10,000) into a consumer. */
  private void fetchInto(
      ClientCore.AttemptContext ctx, List<String> ids, GameConsumer out, long[] bytes)
      throws Exception {
    for (int i = 0; i < ids.size(); i += GameRoutes.MAX_IDS) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + GameRoutes.MAX_IDS));
      byte[] body = Json.bytes(Map.of("game_ids", chunk));
      HttpResponse<WatchedStream> r =
          ctx.send(
              ctx.request(calls.uri("/games/fetch"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              "POST /games/fetch");
      try (WatchedStream in = r.body();
          GameFrames.Reader reader = new GameFrames.Reader(in)) {
        byte[] json;
        while ((json = reader.next()) != null) {
          Map<String, Object> doc = Json.object(json);
          Object id = doc.get("game_id");
          if (!(id instanceof String s) || s.isBlank()) {
            throw PeerCalls.protocol(
                ctx.host(), "a game frame from " + ctx.host() + " has no game_id");
          }
          out.accept(new GamePayload(s, json));
        }
        bytes[0] += in.count();
      }
    }
  }

  @FunctionalInterface
  private interface GameConsumer {
    void accept(GamePayload g) throws IOException;
  }

  private static String listPath(
      String cursor, int limit, @Nullable String boardType, int numPlayers) {
    StringBuilder sb = new StringBuilder("/games/ids?limit=").append(limit);
    if (!cursor.isEmpty()) {
      sb.append("&after=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    }
    if (boardType != null) {
      sb.append("&board_type=").append(URLEncoder.encode(boardType, StandardCharsets.UTF_8));
    }
    if (numPlayers > 0) {
      sb.append("&num_players=").append(numPlayers);
    }
    return sb.toString();
  }

  static GamePage page(Map<String, Object> m) {
    List<GameSummary> games = new ArrayList<>();
    if (m.get("games") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> g) {
          Object q = g.get("quality_score");
          games.add(
              new GameSummary(
                  String.valueOf(g.get("game_id")),
                  String.valueOf(g.get("board_type")),
                  (int) Math.max(1, PeerCalls.num(g.get("num_players"))),
                  (int) PeerCalls.num(g.get("total_moves")),
                  q instanceof Number n ? n.doubleValue() : null));
        }
      }
    }
    Object next = m.get("next_cursor");
    if (!(next instanceof String)) {
      throw P2PException.of(
          "a game listing has no next_cursor", null, P2PException.Kind.PROTOCOL, 200, null);
    }
    return new GamePage(games, (String) next, Boolean.TRUE.equals(m.get("has_more")));
  }
}
