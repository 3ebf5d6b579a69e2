package ai.ringrift.distributed.bench;

/**
 * One benchmark: measures ours against a baseline in the same run. Implementations are listed in
 * {@code META-INF/services/ai.ringrift.distributed.bench.Benchmark} and need a public no-argument
 * constructor.
 */
public interface Benchmark {
  /**
   * The name {@code scripts/bench NAME} uses, e.g. {@code wal-append}.
   *
   * @return a short, lower-case, hyphenated name
   */
  String name();

  /**
   * One line saying what is measured against what.
   *
   * @return a description for {@code scripts/bench list}
   */
  String description();

  /**
   * Runs the benchmark.
   *
   * @param context where to put scratch files, and whether to run a short version
   * @return the figures measured
   * @throws Exception if the benchmark cannot run; the runner reports it and exits non-zero
   */
  BenchReport run(BenchContext context) throws Exception;
}
