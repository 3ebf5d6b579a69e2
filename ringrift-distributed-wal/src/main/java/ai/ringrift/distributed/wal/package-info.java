/**
 * The unified write-ahead log: a file-segmented, append-only journal whose appends complete once
 * durable, used to make multi-step operations (a sync, an export, a training checkpoint) resumable
 * after a crash.
 *
 * <p>This module depends on no other ringrift-distributed module; it can be used on its own.
 */
@NullMarked
package ai.ringrift.distributed.wal;

import org.jspecify.annotations.NullMarked;
