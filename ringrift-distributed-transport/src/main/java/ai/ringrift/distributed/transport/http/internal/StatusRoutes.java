package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.StatusContributor;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /health}, {@code /ready}, {@code /status}, {@code /metrics}. */
final class StatusRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(StatusRoutes.class);

  private final NettyP2PServer server;
  private final P2PRequestHandler h;

  StatusRoutes(NettyP2PServer server, P2PRequestHandler h) {
    this.server = server;
    this.h = h;
  }

  /** Liveness: answered on the event loop, touches nothing that blocks. */
  void health(P2PRequestHandler.Call call) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    body.put("healthy", true);
    body.put("node_id", server.settings.nodeId());
    body.put("uptime_seconds", uptime().toSeconds());
    h.send(call, 200, "application/json", Json.bytes(body), Map.of());
  }

  void ready(P2PRequestHandler.Call call) {
    h.offload(
        call,
        () -> {
          boolean ready = !server.closing.get() && server.settings.readiness().getAsBoolean();
          h.send(
              call,
              ready ? 200 : 503,
              "application/json",
              Json.bytes(Map.of("ready", ready, "node_id", server.settings.nodeId())),
              Map.of());
        });
  }

  void metrics(P2PRequestHandler.Call call) {
    h.offload(
        call,
        () ->
            h.send(
                call,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                server
                    .metrics
                    .registry()
                    .scrape()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of()));
  }

  void status(P2PRequestHandler.Call call) {
    h.offload(
        call, () -> h.send(call, 200, "application/json", Json.bytes(statusDocument()), Map.of()));
  }

  /** Blocking: counts games, stats the disk, walks the category roots. */
  Map<String, Object> statusDocument() {
    ServerSettings s = server.settings;
    Map<String, Object> doc = new LinkedHashMap<>();
    for (StatusContributor c : s.contributors()) {
      try {
        Map<String, Object> add = c.contribute();
        if (add != null) {
          doc.putAll(add);
        }
      } catch (RuntimeException e) {
        LOG.warn("a /status contributor failed", e);
        doc.put(c.getClass().getSimpleName() + "_error", String.valueOf(e.getMessage()));
      }
    }
    doc.put("node_id", s.nodeId());
    doc.put("version", s.version());
    doc.put("uptime_seconds", uptime().toSeconds());
    doc.put("started_at", server.startedAt.toString());
    Map<String, Long> counts = new TreeMap<>();
    GameSource games = s.gameSource();
    if (games != null) {
      counts.putAll(games.countsByConfig());
    }
    doc.put("game_count", counts.values().stream().mapToLong(Long::longValue).sum());
    doc.put("game_counts", counts);
    Path diskPath =
        s.dataDir() != null
            ? s.dataDir()
            : s.categories().values().stream().findFirst().orElse(Path.of("."));
    doc.put("disk", disk(diskPath));
    Map<String, Object> manifests = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : s.categories().entrySet()) {
      try {
        long[] sum = server.manifests.summary(e.getValue());
        manifests.put(e.getKey(), Map.of("files", sum[0], "bytes", sum[1], "hashed", sum[2]));
      } catch (IOException ex) {
        manifests.put(e.getKey(), Map.of("error", String.valueOf(ex.getMessage())));
      }
    }
    doc.put("manifests", manifests);
    doc.put("transfers_active", server.activeTransfers.get());
    doc.put("max_concurrent_transfers", s.maxConcurrentTransfers());
    doc.put("auth_required", s.token() != null);
    doc.put("tls", s.sslContext() != null);
    doc.put("timestamp", s.clock().instant().toString());
    return doc;
  }

  static Map<String, Object> disk(Path p) {
    Map<String, Object> d = new LinkedHashMap<>();
    try {
      Path existing = p;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      FileStore fs = Files.getFileStore(existing != null ? existing : Path.of("."));
      long total = fs.getTotalSpace();
      long free = fs.getUsableSpace();
      d.put("path", p.toString());
      d.put("total_bytes", total);
      d.put("free_bytes", free);
      d.put("used_percent", total == 0 ? 0.0 : Math.round(1000.0 * (total - free) / total) / 10.0);
    } catch (IOException e) {
      d.put("error", String.valueOf(e.getMessage()));
    }
    return d;
  }

  private Duration uptime() {
    return Duration.between(server.startedAt, server.settings.clock().instant());
  }
}
