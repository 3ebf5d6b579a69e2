package ai.ringrift.distributed.transport.http.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, authenticates and routes each request. Runs on the event loop; everything that touches
 * the file system, SQLite or a hash goes to the blocking executor ({@link #offload}), and the
 * answer is written back through the channel (Netty hops to the event loop).
 */
final class P2PRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(P2PRequestHandler.class);

  private final NettyP2PServer server;
  private final StatusRoutes status;
  private final FileRoutes files;
  private final GameRoutes games;
  private final SyncPullRoute syncPull;
  private final SyncGamesRoute syncGames;

  P2PRequestHandler(NettyP2PServer server) {
    this.server = server;
    this.status = new StatusRoutes(server, this);
    this.files = new FileRoutes(server, this);
    this.games = new GameRoutes(server, this);
    this.syncPull = new SyncPullRoute(server, this);
    this.syncGames = new SyncGamesRoute(server, this);
  }

  /** What the routes need to know about one request, copied off the Netty request. */
  record Call(
      ChannelHandlerContext ctx,
      HttpMethod method,
      String path,
      Map<String, List<String>> query,
      boolean keepAlive,
      String route,
      long startNanos,
      byte[] body,
      @Nullable String range,
      @Nullable String ifRange) {
    @Nullable String param(String name) {
      List<String> v = query.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    server.metrics.opened();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    server.metrics.gone();
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    SlowClientGuard guard = ctx.pipeline().get(SlowClientGuard.class);
    if (guard != null) {
      guard.requestReceived(ctx);
    }
    long t0 = System.nanoTime();
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      int code =
          cause instanceof TooLongHttpHeaderException
              ? 431
              : cause instanceof TooLongHttpLineException
                  ? 414
                  : cause instanceof TooLongFrameException ? 413 : 400;
      server.metrics.error("malformed", "http_" + code);
      sendError(
          ctx,
          false,
          "malformed",
          t0,
          code,
          "malformed request: " + cause.getClass().getSimpleName());
      return;
    }
    QueryStringDecoder qsd;
    String path;
    try {
      qsd = new QueryStringDecoder(req.uri());
      path = qsd.path();
    } catch (IllegalArgumentException e) {
      server.metrics.error("malformed", "bad_uri");
      sendError(ctx, false, "malformed", t0, 400, "bad URI encoding");
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpMethod m = req.method();
    String route = routeName(path);
    Call call =
        new Call(
            ctx,
            m,
            path,
            qsd.parameters(),
            keepAlive,
            route,
            t0,
            ByteBufUtil.getBytes(req.content()),
            req.headers().get(HttpHeaderNames.RANGE),
            req.headers().get(HttpHeaderNames.IF_RANGE));
    if (route.equals("health")) {
      if (!isGetOrHead(m)) {
        methodNotAllowed(call);
        return;
      }
      status.health(call);
      return;
    }
    String token = server.settings.token();
    if (token != null
        && !ClusterToken.matches(
            token,
            req.headers().get(HttpHeaderNames.AUTHORIZATION),
            req.headers().get("X-RingRift-Auth"))) {
      server.metrics.error(route, "unauthorized");
      send(call, 401, "application/json", Json.bytes(Map.of("error", "unauthorized")), Map.of());
      return;
    }
    switch (route) {
      case "ready", "status", "metrics", "game_counts", "games_ids", "manifest" -> {
        if (!isGetOrHead(m)) {
          methodNotAllowed(call);
        } else {
          switch (route) {
            case "ready" -> status.ready(call);
            case "status" -> status.status(call);
            case "metrics" -> status.metrics(call);
            case "game_counts" -> games.gameCounts(call);
            case "games_ids" -> games.ids(call);
            default -> files.manifest(call);
          }
        }
      }
      case "files", "sync_file" -> {
        if (!isGetOrHead(m)) {
          methodNotAllowed(call);
        } else {
          files.file(call);
        }
      }
      case "games_fetch" -> {
        if (!m.equals(HttpMethod.POST)) {
          methodNotAllowed(call);
        } else {
          games.fetch(call);
        }
      }
      case "sync_pull" -> {
        if (!m.equals(HttpMethod.POST)) {
          methodNotAllowed(call);
        } else {
          syncPull.pull(call);
        }
      }
      case "sync_games" -> {
        if (!m.equals(HttpMethod.POST)) {
          methodNotAllowed(call);
        } else {
          syncGames.pull(call);
        }
      }
      default -> {
        server.metrics.error("unknown", "not_found");
        sendError(call, 404, "not found: " + trim(path));
      }
    }
  }

  private static String routeName(String path) {
    if (path.equals("/health")) {
      return "health";
    }
    if (path.equals("/ready")) {
      return "ready";
    }
    if (path.equals("/status")) {
      return "status";
    }
    if (path.equals("/metrics")) {
      return "metrics";
    }
    if (path.equals("/game_counts")) {
      return "game_counts";
    }
    if (path.equals("/games/ids")) {
      return "games_ids";
    }
    if (path.equals("/games/fetch")) {
      return "games_fetch";
    }
    if (path.startsWith("/manifest/")) {
      return "manifest";
    }
    if (path.startsWith("/files/")) {
      return "files";
    }
    if (path.equals("/sync/file")) {
      return "sync_file";
    }
    if (path.equals("/sync/pull")) {
      return "sync_pull";
    }
    if (path.equals("/sync/games")) {
      return "sync_games";
    }
    return "unknown";
  }

  private static boolean isGetOrHead(HttpMethod m) {
    return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
  }

  private void methodNotAllowed(Call call) {
    server.metrics.error(call.route(), "method_not_allowed");
    sendError(call, 405, "method " + call.method() + " not allowed on " + trim(call.path()));
  }

  static String trim(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /**
   * Runs blocking work on the executor; a rejected or failing task answers 503 or 500.
   *
   * @param call the request
   * @param work the work, which answers the request itself
   * @return whether the work was queued (if not, the request was answered 503)
   */
  boolean offload(Call call, Runnable work) {
    try {
      server.blocking.execute(
          () -> {
            try {
              work.run();
            } catch (RuntimeException | Error e) {
              LOG.warn("P2P request {} {} failed", call.method(), trim(call.path()), e);
              server.metrics.error(call.route(), "internal");
              sendError(call, 500, "internal error: " + e.getClass().getSimpleName());
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      server.metrics.error(call.route(), "overloaded");
      sendError(call, 503, "the service is shutting down or overloaded");
      return false;
    }
  }

  /** Answers with a Python-style error body {@code {"error", "status", "timestamp"}}. */
  void sendError(Call call, int code, String message) {
    send(call, code, "application/json", errorBody(code, message), Map.of());
  }

  private void sendError(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      String route,
      long t0,
      int code,
      String message) {
    Call c =
        new Call(ctx, HttpMethod.GET, "", Map.of(), keepAlive, route, t0, new byte[0], null, null);
    send(c, code, "application/json", errorBody(code, message), Map.of());
  }

  private byte[] errorBody(int code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", code);
    body.put("timestamp", server.settings.clock().millis() / 1000.0);
    return Json.bytes(body);
  }

  /** Answers with a whole body; thread-safe (writes hop to the event loop). */
  void send(Call call, int code, String contentType, byte[] body, Map<String, String> headers) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(code),
            call.method().equals(HttpMethod.HEAD)
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers.forEach(res.headers()::set);
    boolean keep =
        call.keepAlive() && code < 500 && code != 400 && code != 413 && code != 414 && code != 431;
    if (!keep) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture f = call.ctx().writeAndFlush(res);
    finish(call, f, code, keep);
  }

  /**
   * After the last write of an answer: metrics, then either wait for the next request or close.
   *
   * @param call the request
   * @param last the future of the last write
   * @param code the status sent
   * @param keepAlive whether to keep the connection
   */
  void finish(Call call, ChannelFuture last, int code, boolean keepAlive) {
    last.addListener(
        (ChannelFutureListener)
            f -> {
              server.metrics.request(
                  call.route(),
                  code,
                  java.time.Duration.ofNanos(System.nanoTime() - call.startNanos()));
              if (!f.isSuccess() || !keepAlive) {
                f.channel().close();
                return;
              }
              SlowClientGuard guard = f.channel().pipeline().get(SlowClientGuard.class);
              if (guard != null) {
                ChannelHandlerContext gctx = f.channel().pipeline().context(guard);
                guard.responseDone(gctx);
              }
            });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("P2P connection {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
