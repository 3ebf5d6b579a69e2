package ai.ringrift.distributed.bench;

import java.nio.file.Path;

/**
 * What a benchmark run is given.
 *
 * @param scratchDir an empty directory on the disk under test, deleted after the run
 * @param quick whether to run a short version (fewer iterations), e.g. to check that it works
 */
public record BenchContext(Path scratchDir, boolean quick) {}
