/**
 * The cluster monitor: every configured node's {@code GET /status} gathered into one {@link
 * ai.ringrift.distributed.core.monitor.ClusterStatus}, once or on an interval, rendered as text in
 * the Python monitor's layout or as JSON.
 */
@NullMarked
package ai.ringrift.distributed.core.monitor;

import org.jspecify.annotations.NullMarked;
