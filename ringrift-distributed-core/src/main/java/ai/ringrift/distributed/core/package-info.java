/**
 * The facade: cluster configuration, hosts, the {@code SyncCoordinator}, the node runtime and the
 * cluster monitor. Depends on every other ringrift-distributed module and is the only one that
 * wires them together; adding {@code ringrift-distributed-core} to a build brings in everything.
 */
@NullMarked
package ai.ringrift.distributed.core;

import org.jspecify.annotations.NullMarked;
