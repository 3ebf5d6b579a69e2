package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.storage.AtomicFiles;
import ai.ringrift.distributed.transport.http.GamePullResult;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.P2PException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /sync/games}: this node pulls games from another node (how a coordinator pushes
 * games). Body {@code {source_node_id, source_host, source_port}} plus optional {@code board_type},
 * {@code num_players} and {@code limit}. The pull is the client's: ids after this node's cursor for
 * the source, only the ones the sink lacks fetched, imported in batches; the cursor file {@code
 * <cursorDir>/pull-<source>.cursor} is replaced after the last import.
 */
final class SyncGamesRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SyncGamesRoute.class);

  /** Largest body accepted; the fields fit in a few hundred bytes. */
  static final int MAX_BODY = 16 * 1024;

  private final NettyP2PServer server;
  private final P2PRequestHandler h;

  SyncGamesRoute(NettyP2PServer server, P2PRequestHandler h) {
    this.server = server;
    this.h = h;
  }

  void pull(P2PRequestHandler.Call call) {
    if (call.body().length > MAX_BODY) {
      server.metrics.error(call.route(), "too_large");
      h.sendError(
          call, 413, "body of " + call.body().length + " bytes exceeds the limit of " + MAX_BODY);
      return;
    }
    GameSink sink = server.settings.gameSink();
    Path dir = server.settings.cursorDir();
    if (sink == null || dir == null) {
      server.metrics.error(call.route(), "no_game_sink");
      h.sendError(call, 404, "this node does not accept games on request");
      return;
    }
    Map<String, Object> body = PullRequests.jsonBody(server, h, call);
    if (body == null) {
      return;
    }
    Object node = body.get("source_node_id");
    Object hostObj = body.get("source_host");
    Object portObj = body.getOrDefault("source_port", 8770);
    Object boardObj = body.get("board_type");
    Object playersObj = body.getOrDefault("num_players", 0);
    Object limitObj = body.get("limit");
    if (!(node instanceof String nodeId)
        || nodeId.isBlank()
        || nodeId.length() > 200
        || !(hostObj instanceof String host)
        || host.isBlank()
        || host.length() > 255
        || !(portObj instanceof Number port)
        || port.intValue() < 1
        || port.intValue() > 65535
        || boardObj != null && !(boardObj instanceof String)
        || !(playersObj instanceof Number players)
        || players.intValue() < 0
        || players.intValue() > 16
        || limitObj != null && !(limitObj instanceof Number n && n.longValue() > 0)) {
      server.metrics.error(call.route(), "bad_body");
      h.sendError(
          call,
          400,
          "need source_node_id (string), source_host, source_port (1..65535); optional"
              + " board_type (string), num_players (0..16), limit (> 0)");
      return;
    }
    String board = boardObj instanceof String b && !b.isBlank() ? b.strip() : null;
    long limit = limitObj instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    Path cursorFile = dir.resolve("pull-" + safe(nodeId.strip()) + ".cursor");
    String h0 = host.strip();
    int p0 = port.intValue();
    int np = players.intValue();
    h.offload(call, () -> run(call, sink, cursorFile, h0, p0, board, np, limit));
  }

  /** Blocking: reads the cursor, pulls, saves the cursor, answers. */
  private void run(
      P2PRequestHandler.Call call,
      GameSink sink,
      Path cursorFile,
      String host,
      int port,
      @Nullable String board,
      int players,
      long limit) {
    if (PullRequests.refusedForDisk(server, h, call, server.settings.dataDir())) {
      return;
    }
    String cursor;
    try {
      cursor =
          Files.isRegularFile(cursorFile)
              ? Files.readString(cursorFile, StandardCharsets.UTF_8).strip()
              : "";
    } catch (IOException e) {
      server.metrics.error(call.route(), "cursor_io");
      h.sendError(call, 500, "cannot read the game cursor " + cursorFile + ": " + e.getMessage());
      return;
    }
    GamePullResult r;
    try {
      r =
          server
              .puller()
              .withPeer(host, port)
              .pullGamesSince(cursor, sink, board, players, limit)
              .join();
    } catch (CompletionException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      int code =
          c instanceof P2PException pe && pe.kind() == P2PException.Kind.TIMEOUT
              ? 504
              : c instanceof P2PException ? 502 : 500;
      LOG.warn("game pull from {}:{} failed: {}", host, port, c.getMessage());
      server.metrics.error(call.route(), code == 500 ? "import_failed" : "source_failed");
      h.sendError(
          call,
          code,
          (code == 500 ? "importing games from " : "cannot pull games from source ")
              + host
              + ":"
              + port
              + ": "
              + c.getMessage());
      return;
    }
    try {
      Files.createDirectories(cursorFile.getParent());
      AtomicFiles.install(
          new ByteArrayInputStream(r.cursor().getBytes(StandardCharsets.UTF_8)), cursorFile);
    } catch (IOException | RuntimeException e) {
      // The games are stored; the next request lists them again and fetches none of them.
      LOG.warn("cannot save the game cursor {}: {}", cursorFile, e.getMessage());
    }
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("success", true);
    res.put("games_imported", r.imported());
    res.put("games_fetched", r.fetched());
    res.put("games_listed", r.listed());
    res.put("bytes", r.bytesReceived());
    h.send(call, 200, "application/json", Json.bytes(res), Map.of());
  }

  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
