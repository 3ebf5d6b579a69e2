package ai.ringrift.distributed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FakeClockTest {
  @Test
  void shouldMoveOnlyWhenAdvanced() {
    FakeClock clock = FakeClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    clock.advance(Duration.ofDays(30));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-31T00:00:00Z"));
    assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
  }

  @Test
  void shouldShareTheInstantAcrossZoneViews() {
    FakeClock clock = FakeClock.create();
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofSeconds(5));
    assertThat(paris.instant()).isEqualTo(clock.instant());
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void shouldRefuseToAdvanceBackwardsButAllowAnExplicitSet() {
    FakeClock clock = FakeClock.create();
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    Instant earlier = clock.instant().minusSeconds(60);
    clock.set(earlier);
    assertThat(clock.instant()).isEqualTo(earlier);
  }
}
