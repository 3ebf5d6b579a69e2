package ai.ringrift.distributed.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncLimiterTest {
  @Test
  void runsAtMostLimitTasksAtOnceAndStartsWaitingOnesInOrder() {
    AsyncLimiter limiter = new AsyncLimiter(2);
    List<CompletableFuture<Integer>> gates = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<Integer> gate = new CompletableFuture<>();
      gates.add(gate);
      results.add(
          limiter.submit(
              () -> {
                started.add(n);
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                return gate.whenComplete((v, e) -> inFlight.decrementAndGet());
              }));
    }
    assertThat(started).containsExactly(0, 1);
    gates.get(1).complete(1);
    assertThat(started).containsExactly(0, 1, 2);
    gates.get(0).completeExceptionally(new IllegalStateException("boom"));
    assertThat(started).containsExactly(0, 1, 2, 3);
    for (int i = 2; i < 5; i++) {
      gates.get(i).complete(i);
    }
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(maxInFlight.get()).isEqualTo(2);
    assertThat(results.get(0)).isCompletedExceptionally();
    assertThat(results.get(4).join()).isEqualTo(4);
  }

  @Test
  void aTaskThatThrowsFailsItsFutureAndReleasesItsSlot() {
    AsyncLimiter limiter = new AsyncLimiter(1);
    CompletableFuture<Object> bad =
        limiter.submit(
            () -> {
              throw new IllegalArgumentException("no");
            });
    assertThat(bad).isCompletedExceptionally();
    assertThat(limiter.submit(() -> CompletableFuture.completedFuture("ok")).join())
        .isEqualTo("ok");
  }
}
