package ai.ringrift.distributed.health.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.testkit.FakeClock;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hundreds of platform threads released together by a start latch. */
class CircuitBreakerConcurrencyTest {
  private static final int THREADS = 300;

  private final FakeClock clock = FakeClock.create();
  private final List<BreakerEvent> events = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker(int halfOpenRequests) {
    CircuitBreaker b =
        CircuitBreaker.builder("host/contended")
            .clock(clock)
            .policy(BreakerPolicy.builder().jitter(0).halfOpenRequests(halfOpenRequests).build())
            .build();
    b.addListener(events::add);
    return b;
  }

  /** Runs {@code body} on THREADS platform threads started together; joins them all. */
  private static void race(Consumer<Integer> body) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int id = i;
      Thread t =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  start.await();
                  body.accept(id);
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "racer-" + i);
      t.start();
      threads.add(t);
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
    }
    assertThat(errors).isEmpty();
  }

  @ParameterizedTest(name = "halfOpenRequests = {0}")
  @ValueSource(ints = {1, 3, 17})
  @DisplayName("concurrent callers never see more half-open calls than allowed")
  void halfOpenAdmitsExactlyTheLimit(int halfOpenRequests) throws InterruptedException {
    CircuitBreaker b = breaker(halfOpenRequests);
    for (int i = 0; i < 3; i++) {
      b.execute(() -> CompletableFuture.failedFuture(new ConnectException("refused")));
    }
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    clock.advance(Duration.ofSeconds(120));

    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    List<CompletableFuture<String>> probes = new CopyOnWriteArrayList<>();
    race(
        id -> {
          CompletableFuture<String> r =
              b.execute(
                  () -> {
                    admitted.incrementAndGet();
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    CompletableFuture<String> probe = new CompletableFuture<>();
                    probes.add(probe);
                    return probe;
                  });
          if (r.isCompletedExceptionally()) {
            rejected.incrementAndGet();
          }
        });
    assertThat(admitted).hasValue(halfOpenRequests);
    assertThat(maxInFlight).hasValue(halfOpenRequests);
    assertThat(rejected).hasValue(THREADS - halfOpenRequests);
    assertThat(b.rejectedCalls()).isEqualTo(THREADS - halfOpenRequests);
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);

    probes.forEach(p -> p.complete("ok"));
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(events)
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @ParameterizedTest(name = "threshold crossed by {0} racing failures")
  @ValueSource(ints = {THREADS})
  @DisplayName("many simultaneous failures open the breaker once, with one event")
  void simultaneousFailuresOpenOnce(int ignored) throws InterruptedException {
    CircuitBreaker b = breaker(1);
    race(id -> b.execute(() -> CompletableFuture.failedFuture(new ConnectException("refused"))));
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThat(events).extracting(BreakerEvent::to).containsExactly(CircuitState.OPEN);
  }

  @ParameterizedTest(name = "{0} racing state() readers")
  @ValueSource(ints = {THREADS})
  @DisplayName("racing readers of an expired open breaker publish one OPEN->HALF_OPEN event")
  void racingReadersTransitionOnce(int ignored) throws InterruptedException {
    CircuitBreaker b = breaker(1);
    for (int i = 0; i < 3; i++) {
      b.execute(() -> CompletableFuture.failedFuture(new ConnectException("refused")));
    }
    clock.advance(Duration.ofSeconds(120));
    race(id -> assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN));
    assertThat(events)
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
  }
}
