package ai.ringrift.distributed.wal;

/**
 * A snapshot of a WAL's counters. {@code pendingEntries} is the {@code wal_pending_entries} metric.
 *
 * @param pendingEntries entries appended and not yet committed or rolled back
 * @param resolvedEntries committed or rolled-back entries still remembered (not yet cleaned up)
 * @param segments segment files on disk
 * @param bytes logical bytes of the log: segment headers and records written or buffered for
 *     writing; not the preallocated zero tails (on disk a format-2 segment file occupies its full
 *     {@link WalConfig#segmentSize()} from creation)
 * @param appends appends accepted since open (idempotent repeats not counted)
 * @param fsyncs data fsyncs done since open (group commit makes this far below {@code appends})
 */
public record WalStats(
    long pendingEntries,
    long resolvedEntries,
    int segments,
    long bytes,
    long appends,
    long fsyncs) {}
