package ai.ringrift.distributed.health.breaker;

/**
 * Receives breaker state changes. Called on the thread whose call caused the change (a caller of
 * {@code execute}, {@code state}, {@code reset}, or the thread completing a call's future), never
 * while a breaker lock is held, one event at a time per breaker and in transition order. Should be
 * fast; an exception it throws is logged and otherwise ignored. It may call back into the breaker
 * (the event is then queued and delivered after the current one).
 */
@FunctionalInterface
public interface BreakerListener {
  /**
   * Called once per state change.
   *
   * @param event the change
   */
  void onStateChange(BreakerEvent event);
}
