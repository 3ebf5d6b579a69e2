package ai.ringrift.distributed.health.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.testkit.FakeClock;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final FakeClock clock = FakeClock.create();
  private final List<BreakerEvent> events = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker(BreakerPolicy policy) {
    CircuitBreaker b =
        CircuitBreaker.builder("host/10.0.0.1")
            .policy(policy)
            .clock(clock)
            .random(new Random(42))
            .build();
    b.addListener(events::add);
    return b;
  }

  private static BreakerPolicy.Builder noJitter() {
    return BreakerPolicy.builder().jitter(0.0);
  }

  private static void failWith(CircuitBreaker b, Throwable t) {
    CompletableFuture<String> f = b.execute(() -> Faults.failed(t));
    assertThat(f).isCompletedExceptionally();
  }

  private static void succeed(CircuitBreaker b) {
    assertThat(b.execute(Faults::ok)).isCompletedWithValue("ok");
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThat(f).isDone();
    try {
      f.getNow(null);
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
    throw new AssertionError("future did not fail: " + f);
  }

  private void openIt(CircuitBreaker b) {
    for (int i = 0; i < b.failureThreshold(); i++) {
      failWith(b, new ConnectException("Connection refused"));
    }
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
  }

  @Nested
  @DisplayName("closed")
  class Closed {
    @Test
    @DisplayName("opens after exactly N consecutive failures, not one before")
    void opensAfterExactlyThresholdFailures() {
      CircuitBreaker b = breaker(noJitter().failureThreshold(3).build());
      failWith(b, new ConnectException("refused"));
      failWith(b, new IOException("reset"));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new TimeoutException("slow"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(120)));
    }

    @Test
    @DisplayName("a success in between resets the count")
    void successResetsCount() {
      CircuitBreaker b = breaker(noJitter().failureThreshold(3).build());
      for (int round = 0; round < 10; round++) {
        failWith(b, new ConnectException("refused"));
        failWith(b, new ConnectException("refused"));
        succeed(b);
      }
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new ConnectException("refused"));
      failWith(b, new ConnectException("refused"));
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    @DisplayName(
        "an open breaker rejects without calling the supplier, naming itself and the retry time")
    void openRejectsWithoutCalling() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      AtomicInteger calls = new AtomicInteger();
      CompletableFuture<String> f =
          b.execute(
              () -> {
                calls.incrementAndGet();
                return Faults.ok();
              });
      Throwable t = failureOf(f);
      assertThat(calls).hasValue(0);
      assertThat(t).isInstanceOf(CircuitOpenException.class);
      CircuitOpenException open = (CircuitOpenException) t;
      assertThat(open.breakerName()).isEqualTo("host/10.0.0.1");
      assertThat(open.state()).isEqualTo(CircuitState.OPEN);
      assertThat(open.retryAt()).isEqualTo(Instant.parse("2026-01-01T00:02:00Z"));
      assertThat(open.getMessage())
          .contains("host/10.0.0.1")
          .contains("2026-01-01T00:02:00Z")
          .contains("3 consecutive failures");
      assertThat(open.getStackTrace()).isEmpty();
      assertThat(b.rejectedCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName(
        "failures are passed through unwrapped; a throwing supplier counts like a failed future")
    void failuresPassThrough() {
      CircuitBreaker b = breaker(noJitter().build());
      IOException io = new IOException("disk on fire");
      assertThat(failureOf(b.execute(() -> Faults.failed(io)))).isSameAs(io);
      CompletableFuture<String> thrown =
          b.execute(
              () -> {
                throw new java.io.UncheckedIOException(new ConnectException("refused"));
              });
      assertThat(failureOf(thrown)).isInstanceOf(java.io.UncheckedIOException.class);
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    @DisplayName("the result of a call started before a transition does not change the new state")
    void staleResultsIgnored() {
      CircuitBreaker b = breaker(noJitter().build());
      CompletableFuture<String> slow = new CompletableFuture<>();
      CompletableFuture<String> result = b.execute(() -> slow);
      openIt(b);
      slow.complete("late success");
      assertThat(result).isCompletedWithValue("late success");
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }
  }

  @Nested
  @DisplayName("half-open")
  class HalfOpen {
    @Test
    @DisplayName("moves to half-open exactly when the recovery timeout has passed")
    void halfOpenAfterTimeout() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      clock.advance(Duration.ofSeconds(120).minusMillis(1));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(Duration.ofMillis(1));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    @DisplayName("admits exactly halfOpenRequests calls, closes when they all succeed")
    void admitsExactlyHalfOpenRequests() {
      CircuitBreaker b = breaker(noJitter().halfOpenRequests(3).build());
      openIt(b);
      clock.advance(Duration.ofSeconds(120));
      List<CompletableFuture<String>> probes = new ArrayList<>();
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        CompletableFuture<String> probe = new CompletableFuture<>();
        CompletableFuture<String> r = b.execute(() -> probe);
        if (!r.isDone()) {
          probes.add(probe);
        }
        results.add(r);
      }
      assertThat(probes).hasSize(3);
      assertThat(failureOf(results.get(3))).isInstanceOf(CircuitOpenException.class);
      assertThat(((CircuitOpenException) failureOf(results.get(4))).state())
          .isEqualTo(CircuitState.HALF_OPEN);
      probes.get(0).complete("a");
      probes.get(1).complete("b");
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      probes.get(2).complete("c");
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    @DisplayName("any counted failure of a probe opens it again")
    void probeFailureReopens() {
      CircuitBreaker b = breaker(noJitter().halfOpenRequests(2).build());
      openIt(b);
      clock.advance(Duration.ofSeconds(120));
      CompletableFuture<String> first = new CompletableFuture<>();
      b.execute(() -> first);
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      first.complete("late");
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    @DisplayName("a cancelled probe gives its slot back")
    void cancelledProbeReturnsPermit() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      clock.advance(Duration.ofSeconds(120));
      CompletableFuture<String> probe = new CompletableFuture<>();
      CompletableFuture<String> r = b.execute(() -> probe);
      assertThat(failureOf(b.execute(Faults::ok))).isInstanceOf(CircuitOpenException.class);
      r.cancel(true);
      assertThat(probe).isCancelled();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    @DisplayName("a probe that never answers cannot keep the breaker half-open forever")
    void hangingProbeExpires() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      clock.advance(Duration.ofSeconds(120));
      b.execute(CompletableFuture<String>::new); // never completes
      clock.advance(Duration.ofSeconds(119));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      clock.advance(Duration.ofSeconds(1));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(240)));
      clock.advance(Duration.ofSeconds(240));
      succeed(b);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    @DisplayName("the training breaker really waits 600 s")
    void trainingReallyWaits600s() {
      CircuitBreaker b = breaker(BreakerPolicy.trainingDefaults());
      for (int i = 0; i < 4; i++) {
        failWith(b, new ConnectException("refused"));
      }
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(Duration.ofSeconds(599));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(Duration.ofSeconds(1));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    }
  }

  @Nested
  @DisplayName("backoff")
  class Backoff {
    private List<Duration> openPeriods(CircuitBreaker b, int opens) {
      List<Duration> periods = new ArrayList<>();
      openIt(b);
      for (int i = 0; i < opens; i++) {
        Instant openedAt = clock.instant();
        Instant retryAt = b.retryAt().orElseThrow();
        periods.add(Duration.between(openedAt, retryAt));
        clock.set(retryAt);
        failWith(b, new ConnectException("still down")); // the probe fails
        assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      }
      return periods;
    }

    @Test
    @DisplayName("repeated opens double the open period up to the cap")
    void doublesAndCaps() {
      CircuitBreaker b = breaker(noJitter().maxBackoff(Duration.ofSeconds(1800)).build());
      assertThat(openPeriods(b, 7))
          .containsExactly(
              Duration.ofSeconds(120),
              Duration.ofSeconds(240),
              Duration.ofSeconds(480),
              Duration.ofSeconds(960),
              Duration.ofSeconds(1800),
              Duration.ofSeconds(1800),
              Duration.ofSeconds(1800));
    }

    @Test
    @DisplayName(
        "jitter spreads repeated opens within ±jitter, never past the cap, first open exact")
    void jitterStaysWithinBounds() {
      CircuitBreaker b =
          breaker(BreakerPolicy.builder().jitter(0.1).maxBackoff(Duration.ofSeconds(1800)).build());
      List<Duration> periods = openPeriods(b, 40);
      assertThat(periods.get(0)).isEqualTo(Duration.ofSeconds(120));
      assertThat(periods.get(1)).isBetween(Duration.ofSeconds(216), Duration.ofSeconds(264));
      assertThat(periods.get(2)).isBetween(Duration.ofSeconds(432), Duration.ofSeconds(528));
      for (Duration d : periods.subList(5, periods.size())) {
        assertThat(d).isBetween(Duration.ofSeconds(1620), Duration.ofSeconds(1800));
      }
      assertThat(periods.subList(5, periods.size()).stream().distinct().count())
          .as("jitter actually varies the period")
          .isGreaterThan(1);
    }

    @Test
    @DisplayName("closing forgets the backoff: the next open lasts the recovery timeout again")
    void closeResetsBackoff() {
      CircuitBreaker b = breaker(noJitter().build());
      openPeriods(b, 3);
      clock.set(b.retryAt().orElseThrow());
      succeed(b);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      openIt(b);
      assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(120)));
    }
  }

  @Nested
  @DisplayName("over 30 days of fake time")
  class LongRunning {
    @Test
    @DisplayName("a breaker opened after 30 days behaves exactly like a new one")
    void behavesTheSameAfterThirtyDays() {
      CircuitBreaker b = breaker(noJitter().build());
      // 30 days of mostly healthy traffic with occasional failures, one call a minute.
      for (int minute = 0; minute < 30 * 24 * 60; minute++) {
        clock.advance(Duration.ofMinutes(1));
        if (minute % 97 == 0) {
          failWith(b, new ConnectException("blip"));
        } else {
          succeed(b);
        }
      }
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new ConnectException("down"));
      failWith(b, new ConnectException("down"));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new ConnectException("down"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      // Not reset early because the breaker is old (the Python TTL bug), not stuck either.
      clock.advance(Duration.ofSeconds(119));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(Duration.ofSeconds(1));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    @DisplayName("a host down for 30 days is probed at least every maxBackoff and recovers")
    void neverExcludedForever() {
      CircuitBreaker b =
          breaker(BreakerPolicy.builder().jitter(0.1).maxBackoff(Duration.ofMinutes(30)).build());
      Instant end = clock.instant().plus(Duration.ofDays(30));
      int probes = 0;
      Instant lastProbe = clock.instant();
      Duration longestGap = Duration.ZERO;
      // The host is down; a caller tries every 10 s for 30 days.
      while (clock.instant().isBefore(end)) {
        AtomicInteger called = new AtomicInteger();
        b.execute(
            () -> {
              called.incrementAndGet();
              return Faults.failed(new ConnectException("down"));
            });
        if (called.get() == 1 && b.state() == CircuitState.OPEN) {
          Duration gap = Duration.between(lastProbe, clock.instant());
          longestGap = gap.compareTo(longestGap) > 0 ? gap : longestGap;
          lastProbe = clock.instant();
          probes++;
        }
        clock.advance(Duration.ofSeconds(10));
      }
      assertThat(longestGap).isLessThanOrEqualTo(Duration.ofMinutes(30).plusSeconds(10));
      assertThat(probes).as("at least one probe an hour").isGreaterThan(30 * 24);
      // The host comes back: within one capped period a probe goes through and closes it.
      clock.advance(Duration.ofMinutes(30));
      succeed(b);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      openIt(b);
      assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(120)));
    }
  }

  @Nested
  @DisplayName("failure predicate")
  class Predicate {
    @Test
    @DisplayName("I/O errors, refused connections, timeouts and 5xx count")
    void hostFaultsCount() {
      assertThat(HostFault.countsAgainstHost(new IOException("x"))).isTrue();
      assertThat(HostFault.countsAgainstHost(new ConnectException("refused"))).isTrue();
      assertThat(HostFault.countsAgainstHost(new java.net.SocketTimeoutException("t"))).isTrue();
      assertThat(HostFault.countsAgainstHost(new TimeoutException("t"))).isTrue();
      assertThat(HostFault.countsAgainstHost(new Faults.HttpStatusException(503))).isTrue();
      assertThat(
              HostFault.countsAgainstHost(
                  new java.util.concurrent.CompletionException(new ConnectException("refused"))))
          .isTrue();
      assertThat(HostFault.countsAgainstHost(new ExecutionException(new TimeoutException())))
          .isTrue();
    }

    @Test
    @DisplayName("4xx, checksum mismatches, cancellations and programming errors do not")
    void otherFailuresDoNot() {
      assertThat(HostFault.countsAgainstHost(new Faults.HttpStatusException(404))).isFalse();
      assertThat(HostFault.countsAgainstHost(new Faults.ChecksumMismatchException())).isFalse();
      assertThat(HostFault.countsAgainstHost(new CancellationException())).isFalse();
      assertThat(HostFault.countsAgainstHost(new IllegalStateException("bug"))).isFalse();
      assertThat(HostFault.countsAgainstHost(null)).isFalse();
      assertThat(
              HostFault.countsAgainstHost(
                  new RuntimeException(new Faults.HttpStatusException(400))))
          .isFalse();
    }

    @Test
    @DisplayName("failures that do not count never open the breaker and reset the count")
    void nonCountingFailuresActAsSuccess() {
      CircuitBreaker b = breaker(noJitter().build());
      for (int i = 0; i < 20; i++) {
        failWith(b, new Faults.HttpStatusException(404));
        failWith(b, new Faults.ChecksumMismatchException());
        failWith(b, new CancellationException("caller gave up"));
      }
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new Faults.HttpStatusException(502));
      failWith(b, new Faults.HttpStatusException(503));
      failWith(b, new Faults.HttpStatusException(400));
      failWith(b, new Faults.HttpStatusException(504));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new Faults.HttpStatusException(500));
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    @DisplayName("a custom predicate decides, and a throwing one counts the failure")
    void customPredicate() {
      CircuitBreaker b =
          breaker(
              noJitter()
                  .failureThreshold(1)
                  .failurePredicate(t -> t instanceof IllegalStateException)
                  .build());
      failWith(b, new ConnectException("ignored by this predicate"));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new IllegalStateException("counts here"));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);

      CircuitBreaker throwing =
          CircuitBreaker.builder("throwing")
              .clock(clock)
              .policy(
                  noJitter()
                      .failureThreshold(1)
                      .failurePredicate(
                          t -> {
                            throw new IllegalArgumentException("bad predicate");
                          })
                      .build())
              .build();
      failWith(throwing, new RuntimeException("x"));
      assertThat(throwing.state()).isEqualTo(CircuitState.OPEN);
    }
  }

  @Nested
  @DisplayName("reset and events")
  class ResetAndEvents {
    @Test
    @DisplayName("reset closes an open breaker and forgets failures and backoff")
    void resetCloses() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      b.reset();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.retryAt()).isEmpty();
      failWith(b, new ConnectException("refused"));
      failWith(b, new ConnectException("refused"));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      failWith(b, new ConnectException("refused"));
      assertThat(b.retryAt()).contains(clock.instant().plus(Duration.ofSeconds(120)));
    }

    @Test
    @DisplayName("events fire exactly once per transition, in order")
    void eventsOncePerTransition() {
      CircuitBreaker b = breaker(noJitter().build());
      openIt(b);
      b.state();
      b.state();
      clock.advance(Duration.ofSeconds(120));
      b.state();
      b.state();
      failWith(b, new ConnectException("still down"));
      clock.advance(Duration.ofSeconds(240));
      succeed(b);
      succeed(b);
      openIt(b);
      b.reset();
      b.reset();
      assertThat(events)
          .extracting(e -> e.from() + "->" + e.to())
          .containsExactly(
              "CLOSED->OPEN",
              "OPEN->HALF_OPEN",
              "HALF_OPEN->OPEN",
              "OPEN->HALF_OPEN",
              "HALF_OPEN->CLOSED",
              "CLOSED->OPEN",
              "OPEN->CLOSED");
      BreakerEvent first = events.get(0);
      assertThat(first.breakerName()).isEqualTo("host/10.0.0.1");
      assertThat(first.retryAt()).isEqualTo(first.at().plus(Duration.ofSeconds(120)));
      assertThat(first.consecutiveOpens()).isEqualTo(1);
      assertThat(first.reason()).contains("3 consecutive failures").contains("ConnectException");
      assertThat(events.get(2).consecutiveOpens()).isEqualTo(2);
    }

    @Test
    @DisplayName("listeners run outside the breaker's lock and a throwing listener breaks nothing")
    void listenersOutsideLock() throws Exception {
      CircuitBreaker b = breaker(noJitter().build());
      List<CircuitState> seenFromOtherThread = new CopyOnWriteArrayList<>();
      b.addListener(
          e -> {
            throw new IllegalStateException("listener bug");
          });
      b.addListener(
          e -> {
            // Another thread must be able to use the breaker while we are being notified;
            // if the lock were held this would time out.
            CompletableFuture<CircuitState> other =
                CompletableFuture.supplyAsync(b::state, r -> new Thread(r, "other-caller").start());
            try {
              seenFromOtherThread.add(other.get(10, TimeUnit.SECONDS));
            } catch (Exception ex) {
              throw new AssertionError("breaker lock held while notifying listeners", ex);
            }
          });
      openIt(b);
      assertThat(seenFromOtherThread).containsExactly(CircuitState.OPEN);
      assertThat(events).hasSize(1);
    }

    @Test
    @DisplayName("a listener may call back into the breaker")
    void reentrantListener() {
      CircuitBreaker b = breaker(noJitter().build());
      b.addListener(
          e -> {
            if (e.to() == CircuitState.OPEN) {
              b.reset();
            }
          });
      openIt2(b);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(events)
          .extracting(e -> e.from() + "->" + e.to())
          .containsExactly("CLOSED->OPEN", "OPEN->CLOSED");
    }

    private void openIt2(CircuitBreaker b) {
      for (int i = 0; i < 3; i++) {
        failWith(b, new ConnectException("refused"));
      }
    }

    @Test
    @DisplayName("builders validate their input and name the bad value")
    void validation() {
      assertThatThrownBy(() -> BreakerPolicy.builder().failureThreshold(0))
          .hasMessageContaining("0");
      assertThatThrownBy(() -> BreakerPolicy.builder().recoveryTimeout(Duration.ofSeconds(-1)))
          .hasMessageContaining("PT-1S");
      assertThatThrownBy(() -> BreakerPolicy.builder().jitter(1.5)).hasMessageContaining("1.5");
      assertThatThrownBy(() -> BreakerPolicy.builder().backoffMultiplier(0.5))
          .hasMessageContaining("0.5");
      assertThatThrownBy(
              () ->
                  BreakerPolicy.builder()
                      .recoveryTimeout(Duration.ofMinutes(10))
                      .maxBackoff(Duration.ofMinutes(1))
                      .build())
          .hasMessageContaining("PT1M")
          .hasMessageContaining("PT10M");
      assertThatThrownBy(() -> CircuitBreaker.builder(" "))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(BreakerPolicy.hostDefaults()).isEqualTo(BreakerPolicy.builder().build());
      assertThat(BreakerPolicy.hostDefaults().toString()).contains("failureThreshold=3");
    }
  }
}
