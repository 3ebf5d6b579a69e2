package ai.ringrift.distributed.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that moves only when told to. Thread-safe; every view made with {@link #withZone}
 * shares the same instant.
 */
public final class FakeClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * A clock at {@code start} in UTC.
   *
   * @param start the initial instant
   * @return a new clock
   */
  public static FakeClock at(Instant start) {
    return new FakeClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * A clock at 2026-01-01T00:00:00Z.
   *
   * @return a new clock
   */
  public static FakeClock create() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; must not be negative
   * @return the new instant
   */
  public Instant advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + amount);
    }
    return now.updateAndGet(i -> i.plus(amount));
  }

  /**
   * Sets the clock to an instant, which may be earlier (to model clocks that disagree).
   *
   * @param instant the new instant
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new FakeClock(now, newZone);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + ", " + zone + "]";
  }
}
