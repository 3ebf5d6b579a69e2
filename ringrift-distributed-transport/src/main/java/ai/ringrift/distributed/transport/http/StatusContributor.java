package ai.ringrift.distributed.transport.http;

import java.util.Map;

/**
 * Adds fields to a node's {@code GET /status}; core contributes the WAL backlog and the open
 * breakers this way, so the transport does not depend on those modules.
 *
 * <p>Called on the service's blocking executor for each status request; it may block briefly. The
 * returned values must serialize as JSON (maps, lists, strings, numbers, booleans, nulls). A
 * contributor that throws adds {@code "<name>_error"} instead of its fields; the status is still
 * served.
 */
@FunctionalInterface
public interface StatusContributor {
  /**
   * The fields to add; they may not replace the built-in ones ({@code node_id}, {@code version},
   * ...), which win.
   *
   * @return field names to JSON values
   */
  Map<String, Object> contribute();
}
