package ai.ringrift.distributed.transport.http.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /sync/pull} and {@code POST /sync/games} share: reading the JSON body, and
 * refusing with 507 when the disk the pull would write to is fuller than {@code
 * RINGRIFT_MAX_DISK_USAGE_PERCENT}. Each method answers the request itself when it refuses.
 */
final class PullRequests {
  private PullRequests() {}

  /**
   * The request's JSON object, or {@code null} after answering 400.
   *
   * @param server the service (for metrics)
   * @param h the handler that answers
   * @param call the request
   * @return the body, or {@code null} if it was refused
   */
  static @Nullable Map<String, Object> jsonBody(
      NettyP2PServer server, P2PRequestHandler h, P2PRequestHandler.Call call) {
    try {
      return Json.object(call.body());
    } catch (IOException e) {
      server.metrics.error(call.route(), "bad_body");
      h.sendError(call, 400, "body must be a JSON object");
      return null;
    }
  }

  /**
   * Answers 507 and returns {@code true} when the disk holding {@code dir} is too full to pull
   * into. Blocking (reads the file store): call it on the blocking executor.
   *
   * @param server the service (settings, metrics)
   * @param h the handler that answers
   * @param call the request
   * @param dir where the pull would write, or {@code null} to skip the check
   * @return whether the request was refused
   */
  static boolean refusedForDisk(
      NettyP2PServer server, P2PRequestHandler h, P2PRequestHandler.Call call, @Nullable Path dir) {
    if (dir == null
        || !(StatusRoutes.disk(dir).get("used_percent") instanceof Double used)
        || used < server.settings.maxDiskUsagePercent()) {
      return false;
    }
    server.metrics.error(call.route(), "disk_full");
    h.send(
        call,
        507,
        "application/json",
        Json.bytes(
            Map.of(
                "error",
                "disk " + used + "% full",
                "disk_percent",
                used,
                "threshold",
                server.settings.maxDiskUsagePercent())),
        Map.of());
    return true;
  }
}
