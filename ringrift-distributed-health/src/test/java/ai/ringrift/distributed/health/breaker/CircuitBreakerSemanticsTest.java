package ai.ringrift.distributed.health.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.testkit.FakeClock;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The points where our breaker deliberately differs from a plain Resilience4j breaker (which it is
 * built on): consecutive failures rather than a rate, any failed probe reopens, probe expiry by the
 * injected clock without a scheduler, results only count in the state they were admitted in.
 */
class CircuitBreakerSemanticsTest {
  private final FakeClock clock = FakeClock.create();
  private final List<BreakerEvent> events = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker(int halfOpenRequests) {
    CircuitBreaker b =
        CircuitBreaker.builder("host/10.0.0.2")
            .policy(BreakerPolicy.builder().jitter(0).halfOpenRequests(halfOpenRequests).build())
            .clock(clock)
            .build();
    b.addListener(events::add);
    return b;
  }

  private static void fail(CircuitBreaker b) {
    assertThat(b.execute(() -> Faults.failed(new ConnectException("refused"))))
        .isCompletedExceptionally();
  }

  private static void openIt(CircuitBreaker b) {
    for (int i = 0; i < b.failureThreshold(); i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
  }

  private List<String> transitions() {
    return events.stream().map(e -> e.from() + "->" + e.to()).toList();
  }

  @Test
  @DisplayName("a failure rate of 67 % over 3000 calls does not open it without N in a row")
  void rateDoesNotOpen() {
    CircuitBreaker b = breaker(1);
    for (int i = 0; i < 1000; i++) {
      fail(b);
      fail(b);
      assertThat(b.execute(Faults::ok)).isCompletedWithValue("ok");
    }
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(events).isEmpty();
  }

  @Test
  @DisplayName("with 3 probes, 2 successes and then 1 failure reopen it (no failure rate)")
  void lastProbeFailingReopens() {
    CircuitBreaker b = breaker(3);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    List<CompletableFuture<String>> probes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<String> p = new CompletableFuture<>();
      assertThat(b.execute(() -> p)).isNotDone();
      probes.add(p);
    }
    probes.get(0).complete("ok");
    probes.get(1).complete("ok");
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    probes.get(2).completeExceptionally(new ConnectException("refused"));
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(240)));
    assertThat(events.get(events.size() - 1).reason()).contains("half-open probe failed");
  }

  @Test
  @DisplayName("a success of a call admitted while closed does not count as a half-open probe")
  void staleClosedSuccessIsNoProbe() {
    CircuitBreaker b = breaker(1);
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> slowResult = b.execute(() -> slow);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    slow.complete("late");
    assertThat(slowResult).isCompletedWithValue("late");
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    // The one probe permit is still there, and its success closes the breaker.
    AtomicInteger called = new AtomicInteger();
    assertThat(
            b.execute(
                () -> {
                  called.incrementAndGet();
                  return Faults.ok();
                }))
        .isCompletedWithValue("ok");
    assertThat(called).hasValue(1);
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(transitions())
        .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @Test
  @DisplayName("a probe's timeout runs from when it was admitted, not from entering half-open")
  void probeTimeoutFromAdmission() {
    CircuitBreaker b = breaker(1);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    clock.advance(Duration.ofSeconds(100));
    CompletableFuture<String> hanging = new CompletableFuture<>();
    b.execute(() -> hanging);
    clock.advance(Duration.ofSeconds(119));
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    Throwable rejected = b.execute(Faults::ok).handle((v, x) -> x).join();
    assertThat(rejected).isInstanceOf(CircuitOpenException.class);
    CircuitOpenException e = (CircuitOpenException) rejected;
    assertThat(e.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(e.retryAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    // The expired probe answering late changes nothing.
    hanging.complete("late");
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThat(transitions()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
  }

  @Test
  @DisplayName("a hung probe is expired by the next execute as well as by state()")
  void executeExpiresProbe() {
    CircuitBreaker b = breaker(1);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    b.execute(CompletableFuture<String>::new);
    clock.advance(Duration.ofSeconds(120));
    AtomicInteger called = new AtomicInteger();
    assertThat(
            b.execute(
                () -> {
                  called.incrementAndGet();
                  return Faults.ok();
                }))
        .isCompletedExceptionally();
    assertThat(called).hasValue(0);
    assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(240)));
  }

  @Test
  @DisplayName("reset during half-open: probes still in flight report into nothing")
  void resetDuringHalfOpen() {
    CircuitBreaker b = breaker(2);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    CompletableFuture<String> probe = new CompletableFuture<>();
    b.execute(() -> probe);
    b.reset();
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    probe.completeExceptionally(new ConnectException("refused"));
    fail(b);
    fail(b);
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    fail(b);
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(120)));
  }

  @Test
  @DisplayName("no timer thread: Resilience4j's process-wide scheduler is never started")
  void noSchedulerThread() {
    CircuitBreaker b = breaker(1);
    openIt(b);
    clock.advance(Duration.ofSeconds(120));
    b.execute(CompletableFuture<String>::new);
    clock.advance(Duration.ofSeconds(120));
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    clock.advance(Duration.ofSeconds(240));
    assertThat(b.execute(Faults::ok)).isCompletedWithValue("ok");
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(n -> n.contains("CircuitBreakerAutoTransition"));
  }
}
