/**
 * Implementation of the WAL; <b>not API</b>: anything here may change without notice.
 *
 * <p>Layout: {@link ai.ringrift.distributed.wal.internal.RecordCodec} frames records, {@link
 * ai.ringrift.distributed.wal.internal.Segment} is one file, {@link
 * ai.ringrift.distributed.wal.internal.SegmentSet} the ordered files, {@link
 * ai.ringrift.distributed.wal.internal.Recovery} scans them on open, {@link
 * ai.ringrift.distributed.wal.internal.GroupCommitter} is the single thread that writes and fsyncs,
 * {@link ai.ringrift.distributed.wal.internal.EntryTable} the in-memory index. All file I/O goes
 * through {@link ai.ringrift.distributed.wal.internal.WalStorage} so tests can inject power loss.
 */
@NullMarked
package ai.ringrift.distributed.wal.internal;

import org.jspecify.annotations.NullMarked;
