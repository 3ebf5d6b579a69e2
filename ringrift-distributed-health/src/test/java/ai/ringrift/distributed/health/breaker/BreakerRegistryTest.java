package ai.ringrift.distributed.health.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.testkit.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BreakerRegistryTest {
  private final FakeClock clock = FakeClock.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private BreakerRegistry registry(Map<String, String> env) {
    return BreakerRegistry.builder().clock(clock).environment(env).meterRegistry(meters).build();
  }

  private static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.execute(() -> CompletableFuture.failedFuture(new ConnectException("refused")));
    }
  }

  @Test
  @DisplayName("host breakers default to 3 failures, 120 s, 1 probe; training to 5, 600 s, 1")
  void defaults() {
    BreakerRegistry r = registry(Map.of());
    CircuitBreaker host = r.hostBreaker("100.64.0.7");
    assertThat(host.name()).isEqualTo("host/100.64.0.7");
    assertThat(host.failureThreshold()).isEqualTo(3);
    assertThat(host.recoveryTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(host.halfOpenRequests()).isEqualTo(1);
    CircuitBreaker training = r.trainingBreaker();
    assertThat(training.name()).isEqualTo("training");
    assertThat(training.failureThreshold()).isEqualTo(5);
    assertThat(training.recoveryTimeout()).isEqualTo(Duration.ofSeconds(600));
    assertThat(training.halfOpenRequests()).isEqualTo(1);
    assertThat(training.policy().maxBackoff()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  @DisplayName("one breaker per host, created on first use")
  void oneBreakerPerHost() {
    BreakerRegistry r = registry(Map.of());
    assertThat(r.breakers()).isEmpty();
    CircuitBreaker a = r.hostBreaker("a");
    assertThat(r.hostBreaker("a")).isSameAs(a);
    assertThat(r.hostBreaker("b")).isNotSameAs(a);
    assertThat(r.trainingBreaker()).isSameAs(r.trainingBreaker());
    assertThat(r.find("host/a")).containsSame(a);
    assertThat(r.find("host/zzz")).isEmpty();
    assertThat(r.breakers()).hasSize(3);
    assertThatThrownBy(() -> r.hostBreaker(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.breaker("host/a", BreakerPolicy.trainingDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host/a");
  }

  @Test
  @DisplayName("RINGRIFT_CIRCUIT_THRESHOLD overrides the host threshold; garbage is refused")
  void environmentOverride() {
    BreakerRegistry r = registry(Map.of("RINGRIFT_CIRCUIT_THRESHOLD", "7"));
    CircuitBreaker host = r.hostBreaker("h");
    assertThat(host.failureThreshold()).isEqualTo(7);
    assertThat(host.recoveryTimeout()).isEqualTo(Duration.ofSeconds(120));
    fail(host, 6);
    assertThat(host.state()).isEqualTo(CircuitState.CLOSED);
    fail(host, 1);
    assertThat(host.state()).isEqualTo(CircuitState.OPEN);
    assertThat(r.trainingBreaker().failureThreshold()).isEqualTo(5);

    assertThatThrownBy(() -> registry(Map.of("RINGRIFT_CIRCUIT_THRESHOLD", "three")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RINGRIFT_CIRCUIT_THRESHOLD")
        .hasMessageContaining("three");
    assertThatThrownBy(() -> registry(Map.of("RINGRIFT_CIRCUIT_THRESHOLD", "0")))
        .hasMessageContaining("'0'");
  }

  @Test
  @DisplayName("resetAll closes every breaker")
  void resetAll() {
    BreakerRegistry r = registry(Map.of());
    fail(r.hostBreaker("a"), 3);
    fail(r.hostBreaker("b"), 3);
    fail(r.trainingBreaker(), 5);
    assertThat(r.openCount()).isEqualTo(3);
    r.resetAll();
    assertThat(r.openCount()).isZero();
    assertThat(r.breakers()).allMatch(b -> b.state() == CircuitState.CLOSED);
  }

  @Test
  @DisplayName("registry listeners hear every breaker, existing and future, once per transition")
  void registryListeners() {
    BreakerRegistry r = registry(Map.of());
    CircuitBreaker early = r.hostBreaker("early");
    List<String> heard = new CopyOnWriteArrayList<>();
    r.addListener(e -> heard.add(e.breakerName() + ":" + e.to()));
    fail(early, 3);
    fail(r.hostBreaker("late"), 3);
    r.resetAll();
    assertThat(heard)
        .containsExactlyInAnyOrder(
            "host/early:OPEN", "host/late:OPEN", "host/early:CLOSED", "host/late:CLOSED");
  }

  @Test
  @DisplayName("metrics: open count, state per breaker, rejected calls")
  void metrics() {
    BreakerRegistry r = registry(Map.of());
    CircuitBreaker a = r.hostBreaker("a");
    r.hostBreaker("b");
    fail(a, 3);
    fail(a, 2); // rejected
    assertThat(meters.get("circuit_open_count").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("circuit_state").tag("breaker", "host/a").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("circuit_state").tag("breaker", "host/b").gauge().value()).isEqualTo(0.0);
    assertThat(
            meters.get("circuit_rejected_calls").tag("breaker", "host/a").functionCounter().count())
        .isEqualTo(2.0);
    clock.advance(Duration.ofSeconds(120));
    assertThat(a.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(meters.get("circuit_state").tag("breaker", "host/a").gauge().value()).isEqualTo(2.0);
    assertThat(meters.get("circuit_open_count").gauge().value()).isEqualTo(0.0);
  }
}
