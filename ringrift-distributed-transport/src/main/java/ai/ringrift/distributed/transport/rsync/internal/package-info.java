/**
 * Implementation of the rsync transport: command lines, process groups, output parsing, the
 * live-database guard. Not API: may change without notice.
 */
@NullMarked
package ai.ringrift.distributed.transport.rsync.internal;

import org.jspecify.annotations.NullMarked;
