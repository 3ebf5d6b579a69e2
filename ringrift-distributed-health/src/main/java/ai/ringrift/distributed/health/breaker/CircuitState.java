package ai.ringrift.distributed.health.breaker;

/** The state of a {@link CircuitBreaker}. */
public enum CircuitState {
  /** Normal operation: every call goes through and failures are counted. */
  CLOSED(0),
  /** Failing: calls are rejected with {@link CircuitOpenException} until the retry time. */
  OPEN(1),
  /** Testing recovery: a limited number of probe calls go through, the rest are rejected. */
  HALF_OPEN(2);

  private final int code;

  CircuitState(int code) {
    this.code = code;
  }

  /**
   * The numeric code exported as the {@code circuit_state} gauge (the Python cluster's mapping).
   *
   * @return 0 for closed, 1 for open, 2 for half-open
   */
  public int code() {
    return code;
  }
}
