package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.GamePage;
import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.GameSummary;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /game_counts} (Python-compatible), {@code GET /games/ids} and {@code POST
 * /games/fetch} (the framed, compressed game stream).
 */
final class GameRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GameRoutes.class);

  /** The most ids one listing returns, and one fetch accepts. */
  static final int MAX_IDS = 10_000;

  private final NettyP2PServer server;
  private final P2PRequestHandler h;

  GameRoutes(NettyP2PServer server, P2PRequestHandler h) {
    this.server = server;
    this.h = h;
  }

  void gameCounts(P2PRequestHandler.Call call) {
    h.offload(
        call,
        () -> {
          GameSource src = server.settings.gameSource();
          Map<String, Long> counts = new TreeMap<>();
          if (src != null) {
            counts.putAll(src.countsByConfig());
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("game_counts", counts);
          body.put("node_id", server.settings.nodeId());
          body.put("source", "canonical_databases");
          body.put("count", counts.size());
          body.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
          h.send(call, 200, "application/json", Json.bytes(body), Map.of());
        });
  }

  void ids(P2PRequestHandler.Call call) {
    GameSource src = server.settings.gameSource();
    if (src == null) {
      server.metrics.error(call.route(), "no_games");
      h.sendError(call, 404, "this node serves no games");
      return;
    }
    String after = call.param("after");
    String board = call.param("board_type");
    int limit;
    int players;
    try {
      limit = intParam(call.param("limit"), 1000);
      players = intParam(call.param("num_players"), 0);
    } catch (NumberFormatException e) {
      server.metrics.error(call.route(), "bad_param");
      h.sendError(call, 400, "limit and num_players must be integers");
      return;
    }
    if (limit < 1 || limit > MAX_IDS || players < 0 || players > 16) {
      server.metrics.error(call.route(), "bad_param");
      h.sendError(call, 400, "limit must be 1.." + MAX_IDS + " and num_players 0..16");
      return;
    }
    h.offload(
        call,
        () -> {
          GamePage page;
          try {
            page = src.idsAfter(after == null ? "" : after, limit, blankToNull(board), players);
          } catch (IllegalArgumentException e) {
            server.metrics.error(call.route(), "cursor_invalid");
            h.send(
                call,
                400,
                "application/json",
                Json.bytes(
                    Map.of(
                        "error",
                        "cursor_invalid",
                        "status",
                        400,
                        "detail",
                        String.valueOf(e.getMessage()))),
                Map.of());
            return;
          }
          List<Map<String, Object>> games = new ArrayList<>(page.games().size());
          for (GameSummary g : page.games()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("game_id", g.gameId());
            m.put("board_type", g.boardType());
            m.put("num_players", g.numPlayers());
            m.put("total_moves", g.totalMoves());
            m.put("quality_score", g.qualityScore());
            games.add(m);
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("games", games);
          body.put("next_cursor", page.nextCursor());
          body.put("has_more", page.hasMore());
          body.put("count", games.size());
          h.send(call, 200, "application/json", Json.bytes(body), Map.of());
        });
  }

  void fetch(P2PRequestHandler.Call call) {
    GameSource src = server.settings.gameSource();
    if (src == null) {
      server.metrics.error(call.route(), "no_games");
      h.sendError(call, 404, "this node serves no games");
      return;
    }
    List<String> ids;
    try {
      ids = parseIds(call.body());
    } catch (IOException e) {
      server.metrics.error(call.route(), "bad_body");
      h.sendError(
          call,
          400,
          "body must be {\"game_ids\": [up to " + MAX_IDS + " strings]}: " + e.getMessage());
      return;
    }
    if (!server.transfers.tryAcquire()) {
      server.metrics.error(call.route(), "transfer_limit");
      h.send(
          call,
          503,
          "application/json",
          Json.bytes(Map.of("error", "too many transfers", "status", 503)),
          Map.of("Retry-After", "1"));
      return;
    }
    server.activeTransfers.incrementAndGet();
    boolean queued =
        h.offload(
            call,
            () -> {
              try {
                stream(call, src, ids);
              } finally {
                server.activeTransfers.decrementAndGet();
                server.transfers.release();
              }
            });
    if (!queued) {
      server.activeTransfers.decrementAndGet();
      server.transfers.release();
    }
  }

  /** Blocking: reads games from the source and writes frames as the client drains them. */
  private void stream(P2PRequestHandler.Call call, GameSource src, List<String> ids) {
    Channel ch = call.ctx().channel();
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, GameFrames.MEDIA_TYPE);
    res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    res.headers().set("X-RingRift-Frames", GameFrames.VERSION);
    if (!call.keepAlive()) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ch.writeAndFlush(res);
    AtomicLong bytes = new AtomicLong();
    ChannelOutputStream out =
        new ChannelOutputStream(
            ch, server.settings.writeStallTimeout().toMillis(), bytes::addAndGet);
    try {
      GameFrames.Writer w = new GameFrames.Writer(out);
      src.readGames(ids, w::write);
      w.finish();
      out.close();
    } catch (IOException | RuntimeException e) {
      // The status is sent: the only way to say "failed" is to cut the stream before its end frame.
      LOG.debug("game stream to {} ended early", ch.remoteAddress(), e);
      server.metrics.error(
          call.route(), e instanceof IOException ? "client_gone" : "source_failed");
      ch.close();
      return;
    }
    ChannelFuture last = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    server.metrics.bytesSent(call.route(), bytes.get());
    h.finish(call, last, 200, call.keepAlive());
  }

  static List<String> parseIds(byte[] body) throws IOException {
    Map<String, Object> m;
    try {
      m = Json.object(body);
    } catch (IOException e) {
      throw new IOException("not JSON", e);
    }
    Object raw = m.get("game_ids");
    if (!(raw instanceof List<?> list)) {
      throw new IOException("no game_ids list");
    }
    if (list.size() > MAX_IDS) {
      throw new IOException(list.size() + " ids");
    }
    List<String> ids = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank() || s.length() > 200) {
        throw new IOException("a game id is not a non-blank string of at most 200 characters");
      }
      ids.add(s);
    }
    return ids;
  }

  private static int intParam(@Nullable String v, int dflt) {
    return v == null || v.isBlank() ? dflt : Integer.parseInt(v.strip());
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
