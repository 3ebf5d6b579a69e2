package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.FileManifest;
import ai.ringrift.distributed.transport.http.P2PException;
import ai.ringrift.distributed.transport.http.PeerStatus;
import ai.ringrift.distributed.transport.http.RemoteGamePull;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The JSON calls and downloads of one peer view. */
public final class PeerCalls {
  private final ClientCore core;
  private final @Nullable URI base;

  /**
   * Creates the calls of a view.
   *
   * @param core the shared core
   * @param base the peer, or {@code null} for a client without one
   */
  public PeerCalls(ClientCore core, @Nullable URI base) {
    this.core = core;
    this.base = base;
  }

  /**
   * The core.
   *
   * @return the core
   */
  public ClientCore core() {
    return core;
  }

  /**
   * The peer's name for messages.
   *
   * @return host:port
   */
  public String host() {
    URI b = requireBase();
    return b.getHost() + ":" + b.getPort();
  }

  /**
   * Resolves a path (with query) against the peer.
   *
   * @param pathAndQuery e.g. {@code /status}
   * @return the URI
   */
  public URI uri(String pathAndQuery) {
    URI b = requireBase();
    return URI.create(b.getScheme() + "://" + b.getRawAuthority() + pathAndQuery);
  }

  private URI requireBase() {
    if (base == null) {
      throw new IllegalStateException("this P2PSyncClient has no peer: use withPeer(...)");
    }
    return base;
  }

  /**
   * GET a JSON object, retried.
   *
   * @param pathAndQuery the path
   * @return the object
   */
  public CompletableFuture<Map<String, Object>> getJson(String pathAndQuery) {
    URI u = uri(pathAndQuery);
    return core.call(
        host(),
        "GET " + pathOf(pathAndQuery),
        true,
        false,
        core.settings().deadline(),
        ctx -> {
          HttpResponse<WatchedStream> r =
              ctx.send(ctx.request(u).GET().build(), "GET " + pathOf(pathAndQuery));
          try (WatchedStream in = r.body()) {
            return Json.object(in.readAllBytes());
          }
        });
  }

  /**
   * POST a JSON body and read a JSON object.
   *
   * @param path the path
   * @param body the body
   * @param idempotent whether to retry
   * @return the object
   */
  public CompletableFuture<Map<String, Object>> postJson(
      String path, Object body, boolean idempotent) {
    URI u = uri(path);
    byte[] json = Json.bytes(body);
    return core.call(
        host(),
        "POST " + path,
        idempotent,
        false,
        core.settings().deadline(),
        ctx -> {
          HttpResponse<WatchedStream> r =
              ctx.send(
                  ctx.request(u)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                      .build(),
                  "POST " + path);
          try (WatchedStream in = r.body()) {
            return Json.object(in.readAllBytes());
          }
        });
  }

  CompletableFuture<Boolean> healthRaw() {
    URI u = uri("/health");
    return core.call(
        host(),
        "GET /health",
        false,
        false,
        core.settings().requestTimeout(),
        ctx -> {
          HttpResponse<WatchedStream> r = ctx.send(ctx.request(u).GET().build(), "GET /health");
          try (WatchedStream in = r.body()) {
            Map<String, Object> m = Json.object(in.readAllBytes());
            return r.statusCode() == 200
                && ("ok".equals(m.get("status")) || Boolean.TRUE.equals(m.get("healthy")));
          }
        });
  }

  /**
   * Whether the peer is healthy; never fails.
   *
   * @return the answer
   */
  public CompletableFuture<Boolean> health() {
    return healthRaw().exceptionally(t -> false);
  }

  /**
   * {@code GET /status}.
   *
   * @return the status
   */
  public CompletableFuture<PeerStatus> status() {
    return getJson("/status")
        .thenApply(
            m ->
                new PeerStatus(
                    String.valueOf(m.getOrDefault("node_id", "")),
                    String.valueOf(m.getOrDefault("version", "")),
                    Duration.ofSeconds(num(m.get("uptime_seconds"))),
                    num(m.get("game_count")),
                    counts(m.get("game_counts")),
                    nonNullValues(m)));
  }

  /**
   * {@code GET /game_counts}.
   *
   * @return counts by config
   */
  public CompletableFuture<Map<String, Long>> gameCounts() {
    return getJson("/game_counts").thenApply(m -> counts(m.get("game_counts")));
  }

  /**
   * {@code GET /manifest/CAT}.
   *
   * @param category the category
   * @return the manifest
   */
  public CompletableFuture<FileManifest> manifest(String category) {
    return getJson("/manifest/" + encodeSegment(category))
        .thenApply(
            m -> {
              List<FileManifest.Entry> out = new ArrayList<>();
              if (m.get("files") instanceof List<?> files) {
                for (Object o : files) {
                  if (o instanceof Map<?, ?> f) {
                    out.add(
                        new FileManifest.Entry(
                            String.valueOf(f.get("path")),
                            num(f.get("size")),
                            num(f.get("mtime_ms")),
                            String.valueOf(f.get("sha256"))));
                  }
                }
              }
              return new FileManifest(category, out);
            });
  }

  /**
   * A verified, resumable download, retried on host and integrity faults.
   *
   * @param pathAndQuery the file's path on the peer
   * @param dest the destination
   * @param sha the required SHA-256, or {@code null}
   * @param deadline the budget
   * @param listener progress
   * @return the result
   */
  public CompletableFuture<DownloadResult> download(
      String pathAndQuery,
      Path dest,
      @Nullable String sha,
      Duration deadline,
      TransferListener listener) {
    URI u = uri(pathAndQuery);
    return core.call(
        host(),
        "download " + pathOf(pathAndQuery),
        true,
        true,
        deadline,
        ctx -> FileDownload.run(ctx, u, dest, sha, listener));
  }

  /**
   * {@code POST /sync/pull}.
   *
   * @param sourceNodeId source id
   * @param sourceHost source address
   * @param sourcePort source port
   * @param category category or {@code null}
   * @param files paths
   * @return the answer
   */
  public CompletableFuture<Map<String, Object>> requestPull(
      String sourceNodeId,
      String sourceHost,
      int sourcePort,
      @Nullable String category,
      List<String> files) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source_node_id", sourceNodeId);
    body.put("source_host", sourceHost);
    body.put("source_port", sourcePort);
    if (category != null) {
      body.put("category", category);
    }
    body.put("files", List.copyOf(files));
    return postJson("/sync/pull", body, false);
  }

  /**
   * {@code POST /sync/games}; see {@code P2PSyncClient#requestGamePull}.
   *
   * @param sourceNodeId source id
   * @param sourceHost source address
   * @param sourcePort source port
   * @param boardType filter or {@code null}
   * @param numPlayers filter or 0
   * @param limit most games to fetch, or {@code Long.MAX_VALUE}
   * @param timeout how long the peer may take to answer
   * @return the answer
   */
  public CompletableFuture<RemoteGamePull> requestGamePull(
      String sourceNodeId,
      String sourceHost,
      int sourcePort,
      @Nullable String boardType,
      int numPlayers,
      long limit,
      Duration timeout) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source_node_id", sourceNodeId);
    body.put("source_host", sourceHost);
    body.put("source_port", sourcePort);
    if (boardType != null) {
      body.put("board_type", boardType);
    }
    if (numPlayers > 0) {
      body.put("num_players", numPlayers);
    }
    if (limit != Long.MAX_VALUE) {
      body.put("limit", limit);
    }
    URI u = uri("/sync/games");
    byte[] json = Json.bytes(body);
    String peer = host();
    return core.call(
        peer,
        "POST /sync/games",
        false,
        false,
        timeout,
        ctx -> {
          HttpResponse<WatchedStream> r =
              ctx.send(
                  ctx.request(u)
                      // The peer answers after its whole pull: wait up to the whole timeout.
                      .timeout(timeout)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                      .build(),
                  "POST /sync/games");
          Map<String, Object> m;
          try (WatchedStream in = r.body()) {
            m = Json.object(in.readAllBytes());
          }
          if (!Boolean.TRUE.equals(m.get("success"))) {
            throw protocol(
                peer, "POST /sync/games on " + peer + " did not succeed: " + m.get("error"));
          }
          return new RemoteGamePull(
              peer,
              num(m.get("games_listed")),
              num(m.get("games_fetched")),
              num(m.get("games_imported")),
              num(m.get("bytes")));
        });
  }

  static long num(@Nullable Object o) {
    return o instanceof Number n ? n.longValue() : 0L;
  }

  static Map<String, Long> counts(@Nullable Object o) {
    Map<String, Long> out = new TreeMap<>();
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), num(v)));
    }
    return out;
  }

  private static Map<String, Object> nonNullValues(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (v != null) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static String pathOf(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  /**
   * Percent-encodes one path segment.
   *
   * @param s the segment
   * @return the encoded segment
   */
  public static String encodeSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Percent-encodes each segment of a relative path.
   *
   * @param path e.g. {@code hex8_2p/best model.pth}
   * @return e.g. {@code hex8_2p/best%20model.pth}
   */
  public static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/", -1)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(encodeSegment(seg));
    }
    return sb.toString();
  }

  static P2PException protocol(String host, String msg) {
    return P2PException.of(msg, host, P2PException.Kind.PROTOCOL, 200, null);
  }
}
