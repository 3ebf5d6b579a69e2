package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JMH benchmarks behind {@code breaker-overhead}: the same asynchronous call (a supplier that
 * returns a freshly completed future, as a real I/O call returns a fresh future) made bare and
 * through a closed {@link CircuitBreaker}. Run by {@link HealthBreakerOverheadBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HealthBreakerOverheadJmh {
  private CircuitBreaker breaker = CircuitBreaker.builder("bench").build();
  private long counter;
  private final Supplier<CompletionStage<Long>> call =
      () -> CompletableFuture.completedFuture(counter++);

  /** Creates the state; JMH calls it. */
  public HealthBreakerOverheadJmh() {}

  /** A fresh closed breaker per trial. */
  @Setup
  public void setUp() {
    breaker = CircuitBreaker.builder("host/bench").build();
  }

  /**
   * The call without a breaker.
   *
   * @return the call's future
   */
  @Benchmark
  public CompletableFuture<Long> bare() {
    return call.get().toCompletableFuture();
  }

  /**
   * The call through a closed breaker.
   *
   * @return the breaker's future
   */
  @Benchmark
  public CompletableFuture<Long> breaker() {
    return breaker.execute(call);
  }
}
