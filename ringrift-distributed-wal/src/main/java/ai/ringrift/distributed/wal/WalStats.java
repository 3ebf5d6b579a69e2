package ai.ringrift.distributed.wal;

/**
 * A snapshot of a WAL's counters. {@code pendingEntries} is the {@code wal_pending_entries} metric.
 *
 * @param pendingEntries entries appended and not yet committed or rolled back
 * @param resolvedEntries committed or rolled-back entries still remembered (not yet cleaned up)
 * @param segments segment files on disk
 * @param bytes bytes in those segment files
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
