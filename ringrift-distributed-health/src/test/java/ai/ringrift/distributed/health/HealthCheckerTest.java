package ai.ringrift.distributed.health;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckerTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-03-01T12:00:00Z"));
  private final HealthChecker checker = HealthChecker.builder().clock(clock).build();

  @AfterEach
  void close() {
    checker.close();
  }

  private static HealthCheck returning(ComponentHealth h) {
    return blocking -> CompletableFuture.completedFuture(h);
  }

  private HealthSummary run() throws Exception {
    return checker.runChecks().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a hanging check times out, is cancelled, and the others still report")
  void hangingCheckTimesOut() throws Exception {
    CompletableFuture<ComponentHealth> hanging = new CompletableFuture<>();
    checker.addCheck("disk", returning(ComponentHealth.healthy("12% used")));
    checker.addCheck("hang", blocking -> hanging, Duration.ofMillis(200));
    checker.addCheck("gpu", returning(ComponentHealth.degraded("GPU 0 at 97% memory")));

    HealthSummary s = run();

    assertThat(s.componentStatus())
        .containsExactly(
            Map.entry("disk", HealthStatus.HEALTHY),
            Map.entry("hang", HealthStatus.UNHEALTHY),
            Map.entry("gpu", HealthStatus.DEGRADED));
    assertThat(s.component("hang").orElseThrow().message()).isEqualTo("timed out after 0.200 s");
    assertThat(s.component("disk").orElseThrow().message()).isEqualTo("12% used");
    assertThat(hanging).isCancelled();
    assertThat(s.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(s.issues()).containsExactly("[hang] timed out after 0.200 s");
    assertThat(s.warnings()).containsExactly("[gpu] GPU 0 at 97% memory");
  }

  @Test
  @DisplayName("a check blocked inside check() is interrupted at its timeout and reports unhealthy")
  void blockedCheckIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    checker.addCheck(
        "stuck",
        blocking -> {
          try {
            new CountDownLatch(1).await(); // blocks until interrupted
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return CompletableFuture.completedFuture(ComponentHealth.healthy("too late"));
        },
        Duration.ofMillis(100));
    checker.addCheck("fine", returning(ComponentHealth.healthy("ok")));
    HealthSummary s = run();
    assertThat(s.component("stuck").orElseThrow().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(s.component("fine").orElseThrow().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("checks run concurrently: two checks that wait for each other both finish")
  void checksRunConcurrently() throws Exception {
    CountDownLatch both = new CountDownLatch(2);
    HealthCheck rendezvous =
        blocking ->
            CompletableFuture.supplyAsync(
                () -> {
                  both.countDown();
                  try {
                    return both.await(20, TimeUnit.SECONDS)
                        ? ComponentHealth.healthy("met")
                        : ComponentHealth.unhealthy("ran alone");
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ComponentHealth.unhealthy("interrupted");
                  }
                },
                blocking);
    checker.addCheck("a", rendezvous);
    checker.addCheck("b", rendezvous);
    HealthSummary s = run();
    assertThat(s.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(s.components()).extracting(ComponentHealth::message).containsExactly("met", "met");
  }

  @Test
  @DisplayName("a throwing check is unhealthy with its message; so are failed and null results")
  void throwingCheck() throws Exception {
    checker.addCheck(
        "throws",
        blocking -> {
          throw new IllegalStateException("database is locked");
        });
    checker.addCheck(
        "fails",
        blocking ->
            CompletableFuture.failedFuture(new java.io.IOException("no space left on device")));
    checker.addCheck("null-future", blocking -> null);
    checker.addCheck("null-result", blocking -> CompletableFuture.completedFuture(null));
    HealthSummary s = run();
    assertThat(s.components()).allMatch(c -> c.status() == HealthStatus.UNHEALTHY);
    assertThat(s.component("throws").orElseThrow().message())
        .isEqualTo("check failed: database is locked");
    assertThat(s.component("fails").orElseThrow().message())
        .isEqualTo("check failed: no space left on device");
    assertThat(s.component("throws").orElseThrow().metrics())
        .containsEntry("exception", "java.lang.IllegalStateException");
    assertThat(s.component("null-future").orElseThrow().message()).contains("null");
    assertThat(s.component("null-result").orElseThrow().message()).contains("without a result");
  }

  @Test
  @DisplayName("results carry the registered name and the checker's clock; summary aggregates")
  void namesTimesAndAggregation() throws Exception {
    checker.addCheck("disk", returning(ComponentHealth.healthy("fine")));
    HealthSummary healthy = run();
    assertThat(healthy.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(healthy.healthy()).isTrue();
    assertThat(healthy.timestamp()).isEqualTo(clock.instant());
    ComponentHealth disk = healthy.components().get(0);
    assertThat(disk.name()).isEqualTo("disk");
    assertThat(disk.lastCheck()).isEqualTo(clock.instant());
    assertThat(checker.lastSummary()).contains(healthy);

    checker.addCheck(
        "unknown", returning(ComponentHealth.of(HealthStatus.UNKNOWN, "no data", Map.of())));
    HealthSummary degraded = run();
    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.healthy()).isTrue();
    assertThat(degraded.warnings()).containsExactly("[unknown] no data");

    assertThat(HealthSummary.of(List.of(), clock.instant()).status())
        .isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  @DisplayName("runCheck runs one check; unknown names and a closed checker fail the future")
  void runOneAndClose() throws Exception {
    checker.addCheck("disk", returning(ComponentHealth.healthy("fine")));
    assertThat(checker.runCheck("disk").get(30, TimeUnit.SECONDS).status())
        .isEqualTo(HealthStatus.HEALTHY);
    CompletableFuture<ComponentHealth> missing = checker.runCheck("nope");
    assertThat(missing)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HealthException.class)
        .withMessageContaining("nope");
    assertThat(checker.checkNames()).containsExactly("disk");
    assertThat(checker.removeCheck("disk")).isTrue();
    assertThat(checker.removeCheck("disk")).isFalse();
    checker.close();
    checker.close();
    assertThat(checker.runChecks())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HealthException.class);
  }

  @Test
  @DisplayName("closing the checker completes running checks as unhealthy 'closed'")
  void closeCompletesInFlightChecks() throws Exception {
    CompletableFuture<ComponentHealth> never = new CompletableFuture<>();
    checker.addCheck("slow", blocking -> never, Duration.ofHours(1));
    CompletableFuture<HealthSummary> running = checker.runChecks();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !never.isDone() && hasStarted(never));
    checker.close();
    HealthSummary s = running.get(30, TimeUnit.SECONDS);
    assertThat(s.component("slow").orElseThrow().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(s.component("slow").orElseThrow().message()).contains("closed");
  }

  private static boolean hasStarted(CompletableFuture<?> f) {
    // The checker registers a completion callback on the check's future once it has started it.
    return f.getNumberOfDependents() > 0;
  }

  @Test
  @DisplayName("every result is recorded in the history when one is set")
  void recordsHistory(@TempDir Path dir) throws Exception {
    try (HealthHistory history = HealthHistory.open(dir.resolve("health.db"));
        HealthChecker recording = HealthChecker.builder().clock(clock).history(history).build()) {
      recording.addCheck("disk", returning(ComponentHealth.healthy("fine")));
      for (int i = 0; i < 3; i++) {
        recording.runChecks().get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(1));
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> history.history("disk", 10).get().size() == 3);
      assertThat(history.history("disk", 10).get())
          .extracting(ComponentHealth::lastCheck)
          .containsExactly(
              Instant.parse("2026-03-01T12:02:00Z"),
              Instant.parse("2026-03-01T12:01:00Z"),
              Instant.parse("2026-03-01T12:00:00Z"));
    }
  }
}
