package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /sync/pull}: this node pulls named files from another node (how a coordinator
 * pushes). Body as the Python cluster's: {@code {source_node_id, files, source_host, source_port}}
 * plus an optional {@code category}; without it the files are paths relative to the data directory
 * and come from the source's {@code GET /sync/file}. Refused with 507 when the disk is fuller than
 * {@code RINGRIFT_MAX_DISK_USAGE_PERCENT}.
 */
final class SyncPullRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SyncPullRoute.class);
  private static final int MAX_FILES = 1000;

  private final NettyP2PServer server;
  private final P2PRequestHandler h;

  SyncPullRoute(NettyP2PServer server, P2PRequestHandler h) {
    this.server = server;
    this.h = h;
  }

  void pull(P2PRequestHandler.Call call) {
    Map<String, Object> body = PullRequests.jsonBody(server, h, call);
    if (body == null) {
      return;
    }
    Object node = body.get("source_node_id");
    Object files = body.get("files");
    Object hostObj = body.get("source_host");
    Object portObj = body.getOrDefault("source_port", 8770);
    Object catObj = body.get("category");
    if (!(node instanceof String)
        || !(files instanceof List<?> list)
        || list.isEmpty()
        || list.size() > MAX_FILES
        || !(hostObj instanceof String host)
        || host.isBlank()
        || !(portObj instanceof Number port)
        || port.intValue() < 1
        || port.intValue() > 65535
        || catObj != null && !(catObj instanceof String)) {
      server.metrics.error(call.route(), "bad_body");
      h.sendError(
          call,
          400,
          "need source_node_id (string), files (1.."
              + MAX_FILES
              + " paths), source_host, source_port; optional category");
      return;
    }
    Path root;
    if (catObj instanceof String cat) {
      root = server.settings.categories().get(cat);
      if (root == null) {
        server.metrics.error(call.route(), "no_category");
        h.sendError(call, 404, "no such category: " + P2PRequestHandler.trim(cat));
        return;
      }
    } else {
      root = server.settings.dataDir();
      if (root == null) {
        server.metrics.error(call.route(), "no_data_dir");
        h.sendError(call, 404, "this node has no data directory");
        return;
      }
    }
    List<String> paths = new ArrayList<>();
    for (Object o : list) {
      try {
        if (!(o instanceof String s)) {
          throw new PathResolver.Rejected(400, "a file is not a string");
        }
        paths.add(PathResolver.checkSyntax(s));
      } catch (PathResolver.Rejected r) {
        server.metrics.error(call.route(), "bad_path");
        h.sendError(call, 400, "bad file path: " + r.getMessage());
        return;
      }
    }
    Path finalRoot = root;
    String category = catObj instanceof String c ? c : null;
    h.offload(call, () -> run(call, finalRoot, category, host.strip(), port.intValue(), paths));
  }

  /** Blocking: checks the disk, then downloads the files one by one and answers. */
  private void run(
      P2PRequestHandler.Call call,
      Path root,
      String category,
      String host,
      int port,
      List<String> paths) {
    if (PullRequests.refusedForDisk(server, h, call, root)) {
      return;
    }
    P2PSyncClient peer = server.puller().withPeer(host, port);
    AtomicLong bytes = new AtomicLong();
    List<String> errors = new ArrayList<>();
    int done = 0;
    for (String p : paths) {
      Path dest = root.resolve(p).normalize();
      CompletableFuture<DownloadResult> f =
          category != null ? peer.downloadFile(category, p, dest) : peer.downloadSyncFile(p, dest);
      try {
        DownloadResult r = f.join();
        bytes.addAndGet(r.bytesTransferred());
        done++;
      } catch (RuntimeException e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        LOG.warn("sync pull of {} from {}:{} failed: {}", p, host, port, c.getMessage());
        errors.add(p + ": " + c.getMessage());
      }
    }
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("success", errors.isEmpty());
    res.put("files_completed", done);
    res.put("bytes_transferred", bytes.get());
    if (!errors.isEmpty()) {
      res.put("error", String.join("; ", errors.subList(0, Math.min(5, errors.size()))));
      res.put("errors", errors);
    }
    h.send(call, 200, "application/json", Json.bytes(res), Map.of());
  }
}
