package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.FileManifest;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /manifest/CAT}, {@code GET|HEAD /files/CAT/PATH} and the Python cluster's {@code
 * GET|HEAD /sync/file?path=PATH}. File bodies go zero-copy ({@link DefaultFileRegion}, sendfile) on
 * plain connections and as 64 KiB chunks under TLS; either way the event loop writes only as fast
 * as the socket drains, so a slow reader costs no memory.
 */
final class FileRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(FileRoutes.class);
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final NettyP2PServer server;
  private final P2PRequestHandler h;

  FileRoutes(NettyP2PServer server, P2PRequestHandler h) {
    this.server = server;
    this.h = h;
  }

  void manifest(P2PRequestHandler.Call call) {
    String cat = call.path().substring("/manifest/".length());
    Path root = server.settings.categories().get(cat);
    if (root == null) {
      server.metrics.error(call.route(), "no_category");
      h.sendError(call, 404, "no such category: " + P2PRequestHandler.trim(cat));
      return;
    }
    h.offload(
        call,
        () -> {
          try {
            FileManifest m = server.manifests.manifest(cat, root);
            List<Map<String, Object>> files =
                m.files().stream()
                    .map(
                        e -> {
                          Map<String, Object> f = new LinkedHashMap<>();
                          f.put("path", e.path());
                          f.put("size", e.size());
                          f.put("mtime_ms", e.mtimeMillis());
                          f.put("sha256", e.sha256());
                          return f;
                        })
                    .toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("category", cat);
            body.put("node_id", server.settings.nodeId());
            body.put("files", files);
            body.put("count", files.size());
            body.put("total_bytes", m.totalBytes());
            h.send(call, 200, "application/json", Json.bytes(body), Map.of());
          } catch (IOException e) {
            LOG.warn("manifest of category {} at {} failed", cat, root, e);
            server.metrics.error(call.route(), "io");
            h.sendError(call, 500, "cannot list category " + cat + ": " + e.getMessage());
          }
        });
  }

  void file(P2PRequestHandler.Call call) {
    Path root;
    String rel;
    if (call.route().equals("sync_file")) {
      root = server.settings.dataDir();
      rel = call.param("path");
      if (root == null) {
        server.metrics.error(call.route(), "no_data_dir");
        h.sendError(call, 404, "Not found");
        return;
      }
      if (rel == null) {
        server.metrics.error(call.route(), "bad_path");
        h.sendError(call, 400, "missing query parameter 'path'");
        return;
      }
    } else {
      String rest = call.path().substring("/files/".length());
      int slash = rest.indexOf('/');
      String cat = slash < 0 ? rest : rest.substring(0, slash);
      root = server.settings.categories().get(cat);
      if (root == null || slash < 0) {
        server.metrics.error(call.route(), "no_category");
        h.sendError(call, 404, "no such category or file: " + P2PRequestHandler.trim(rest));
        return;
      }
      rel = rest.substring(slash + 1);
    }
    if (!server.transfers.tryAcquire()) {
      server.metrics.error(call.route(), "transfer_limit");
      h.send(
          call,
          503,
          "application/json",
          Json.bytes(
              Map.of(
                  "error",
                  "too many transfers (limit " + server.settings.maxConcurrentTransfers() + ")",
                  "status",
                  503)),
          Map.of("Retry-After", "1"));
      return;
    }
    server.activeTransfers.incrementAndGet();
    Path finalRoot = root;
    String finalRel = rel;
    boolean queued =
        h.offload(
            call,
            () -> {
              boolean handedOver = false;
              try {
                handedOver = serveFile(call, finalRoot, finalRel);
              } finally {
                if (!handedOver) {
                  release();
                }
              }
            });
    if (!queued) {
      release();
    }
  }

  private void release() {
    server.activeTransfers.decrementAndGet();
    server.transfers.release();
  }

  /** Blocking part; returns whether the body was handed to Netty (which then releases). */
  private boolean serveFile(P2PRequestHandler.Call call, Path root, String rel) {
    Path file;
    try {
      file = PathResolver.resolveFile(root, rel);
    } catch (PathResolver.Rejected r) {
      server.metrics.error(call.route(), r.status == 404 ? "not_found" : "bad_path");
      h.sendError(call, r.status, r.status == 404 ? "Not found" : r.getMessage());
      return false;
    }
    BasicFileAttributes attrs;
    String sha;
    FileChannel fc;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
      sha = server.manifests.sha256(file, attrs);
      fc = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      server.metrics.error(call.route(), "io");
      h.sendError(call, 500, "cannot read " + rel + ": " + e.getMessage());
      return false;
    }
    long size = attrs.size();
    String etag = "\"" + sha + "\"";
    String ifRange = call.ifRange();
    ByteRange range = ByteRange.parse(call.range(), size);
    if (ifRange != null && !ifRange.strip().equals(etag)) {
      range = null; // the client's partial copy is of another version: send it all
    }
    if (range == ByteRange.UNSATISFIABLE) {
      closeQuietly(fc);
      server.metrics.error(call.route(), "range");
      h.send(
          call,
          416,
          "application/json",
          Json.bytes(Map.of("error", "range not satisfiable", "status", 416, "size", size)),
          Map.of("Content-Range", "bytes */" + size, "ETag", etag));
      return false;
    }
    long start = range == null ? 0 : range.start();
    long length = range == null ? size : range.length();
    HttpResponse res =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1,
            range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    res.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    res.headers().set(HttpHeaderNames.ETAG, etag);
    res.headers().set("X-Checksum", sha);
    res.headers().set("X-Checksum-Algorithm", "sha256");
    res.headers().set("X-File-Size", size);
    res.headers()
        .set(
            HttpHeaderNames.LAST_MODIFIED,
            HTTP_DATE.format(Instant.ofEpochMilli(attrs.lastModifiedTime().toMillis())));
    if (range != null) {
      res.headers()
          .set(
              HttpHeaderNames.CONTENT_RANGE,
              "bytes " + start + "-" + (start + length - 1) + "/" + size);
    }
    if (!call.keepAlive()) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    int code = res.status().code();
    call.ctx().write(res);
    ChannelFuture last;
    if (call.method().equals(HttpMethod.HEAD) || length == 0) {
      closeQuietly(fc);
      last = call.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    } else if (call.ctx().pipeline().get(SslHandler.class) != null) {
      try {
        last =
            call.ctx()
                .writeAndFlush(
                    new HttpChunkedInput(new ChunkedNioFile(fc, start, length, 64 * 1024)));
      } catch (IOException e) {
        closeQuietly(fc);
        call.ctx().close();
        return false;
      }
    } else {
      call.ctx().write(new DefaultFileRegion(fc, start, length));
      last = call.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    long sent = call.method().equals(HttpMethod.HEAD) ? 0 : length;
    last.addListener(
        f -> {
          release();
          if (f.isSuccess()) {
            server.metrics.bytesSent(call.route(), sent);
          } else {
            server.metrics.error(call.route(), "client_gone");
          }
        });
    h.finish(call, last, code, call.keepAlive());
    return true;
  }

  private static void closeQuietly(FileChannel fc) {
    try {
      fc.close();
    } catch (IOException e) {
      // nothing useful to do
    }
  }
}
