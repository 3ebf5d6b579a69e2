package ai.ringrift.distributed.bench;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code breaker-overhead}: the cost of {@code CircuitBreaker.execute} on a closed breaker against
 * the bare call, measured by JMH in one forked JVM (same classpath). The target is an
 * overhead under 200 ns per call; the second row compares the overhead with that budget, so its
 * ratio is {@code 200 ns / overhead} and must be at least 1.
 */
public final class HealthBreakerOverheadBenchmark implements Benchmark {
  static final double BUDGET_NS = 200.0;

  /** Creates the benchmark (ServiceLoader needs a public no-argument constructor). */
  public HealthBreakerOverheadBenchmark() {}

  @Override
  public String name() {
    return "breaker-overhead";
  }

  @Override
  public String description() {
    return "CircuitBreaker.execute on a closed breaker vs a bare async call (JMH, ns/call)";
  }

  @Override
  public BenchReport run(BenchContext context) throws Exception {
    int warmups = context.quick() ? 2 : 5;
    int measurements = context.quick() ? 3 : 8;
    TimeValue time = context.quick() ? TimeValue.milliseconds(500) : TimeValue.seconds(1);
    Options options =
        new OptionsBuilder()
            .include(HealthBreakerOverheadJmh.class.getName() + "\\.(bare|breaker)$")
            .forks(1)
            .warmupIterations(warmups)
            .warmupTime(time)
            .measurementIterations(measurements)
            .measurementTime(time)
            .timeUnit(TimeUnit.NANOSECONDS)
            .jvmArgsAppend(
                "-Xms256m",
                "-Xmx256m",
                // INFO, as in production: at logback's default DEBUG, Resilience4j logs every call.
                "-Dlogback.configurationFile=health-breaker-bench-logback.xml")
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    double bare = Double.NaN;
    double bareErr = Double.NaN;
    double ours = Double.NaN;
    double oursErr = Double.NaN;
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      double score = r.getPrimaryResult().getScore();
      double err = r.getPrimaryResult().getScoreError();
      if (method.endsWith(".bare")) {
        bare = score;
        bareErr = err;
      } else if (method.endsWith(".breaker")) {
        ours = score;
        oursErr = err;
      }
    }
    if (Double.isNaN(bare) || Double.isNaN(ours)) {
      throw new IllegalStateException("JMH returned no result for bare or breaker: " + results);
    }
    double overhead = ours - bare;
    // A negative difference is measurement noise; report a tiny positive overhead so the ratio
    // stays
    // defined, and keep the raw figure in the notes.
    double reported = Math.max(overhead, 0.001);
    return new BenchReport(name())
        .add(
            new BenchReport.Row(
                "execute() on closed breaker vs bare call",
                "ns/call",
                ours,
                "bare supplier call",
                bare,
                false,
                null))
        .add(
            new BenchReport.Row(
                "breaker overhead vs 200 ns budget",
                "ns/call",
                reported,
                "200 ns budget",
                BUDGET_NS,
                false,
                1.0))
        .note("overhead_ns_per_call", round(overhead))
        .note("breaker_ns_error_99.9", round(oursErr))
        .note("bare_ns_error_99.9", round(bareErr))
        .note(
            "jmh",
            "1 fork, "
                + warmups
                + "x"
                + time
                + " warmup, "
                + measurements
                + "x"
                + time
                + " measurement, average time, 1 thread")
        .note("java", System.getProperty("java.version"))
        .note("cores", Runtime.getRuntime().availableProcessors());
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
