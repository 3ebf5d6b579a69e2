package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.breaker.BreakerEvent;
import ai.ringrift.distributed.health.breaker.BreakerListener;
import ai.ringrift.distributed.health.breaker.BreakerPolicy;
import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import ai.ringrift.distributed.health.breaker.CircuitState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link BreakerRegistry}: a concurrent map of breakers, created on first use. */
public final class DefaultBreakerRegistry implements BreakerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultBreakerRegistry.class);

  private final BreakerPolicy hostPolicy;
  private final BreakerPolicy trainingPolicy;
  private final Clock clock;
  private final RandomGenerator random;
  private final @Nullable MeterRegistry meters;
  private final ConcurrentHashMap<String, DefaultCircuitBreaker> breakers =
      new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<BreakerListener> listeners = new CopyOnWriteArrayList<>();
  private final BreakerListener forwarder = this::forward;

  /**
   * Creates a registry.
   *
   * @param hostPolicy policy of host breakers (environment override already applied)
   * @param trainingPolicy policy of the training breaker
   * @param clock the clock of every breaker
   * @param random the shared, thread-safe jitter source
   * @param meters where to register metrics, or {@code null} for none
   */
  public DefaultBreakerRegistry(
      BreakerPolicy hostPolicy,
      BreakerPolicy trainingPolicy,
      Clock clock,
      RandomGenerator random,
      @Nullable MeterRegistry meters) {
    this.hostPolicy = Objects.requireNonNull(hostPolicy, "hostPolicy");
    this.trainingPolicy = Objects.requireNonNull(trainingPolicy, "trainingPolicy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.meters = meters;
    if (meters != null) {
      Gauge.builder("circuit_open_count", this, r -> r.openCount())
          .description("circuit breakers that are open now")
          .register(meters);
    }
  }

  @Override
  public CircuitBreaker hostBreaker(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank: '" + host + "'");
    }
    return breaker(HOST_BREAKER_PREFIX + host, hostPolicy);
  }

  @Override
  public CircuitBreaker trainingBreaker() {
    return breaker(TRAINING_BREAKER_NAME, trainingPolicy);
  }

  @Override
  public CircuitBreaker breaker(String name, BreakerPolicy policy) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(policy, "policy");
    DefaultCircuitBreaker existing = breakers.get(name);
    if (existing == null) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("breaker name must not be blank: '" + name + "'");
      }
      DefaultCircuitBreaker created = new DefaultCircuitBreaker(name, policy, clock, random);
      existing = breakers.putIfAbsent(name, created);
      if (existing == null) {
        created.addListener(forwarder);
        bindMetrics(created);
        LOG.debug("created circuit breaker '{}' with {}", name, policy);
        return created;
      }
    }
    if (!existing.policy().equals(policy)) {
      throw new IllegalArgumentException(
          "breaker '" + name + "' already exists with " + existing.policy() + ", not " + policy);
    }
    return existing;
  }

  @Override
  public Optional<CircuitBreaker> find(String name) {
    return Optional.ofNullable(breakers.get(name));
  }

  @Override
  public Collection<CircuitBreaker> breakers() {
    return List.copyOf(breakers.values());
  }

  @Override
  public int openCount() {
    int open = 0;
    for (DefaultCircuitBreaker b : breakers.values()) {
      if (b.peekState() == CircuitState.OPEN) {
        open++;
      }
    }
    return open;
  }

  @Override
  public void resetAll() {
    for (DefaultCircuitBreaker b : breakers.values()) {
      b.reset();
    }
  }

  @Override
  public void addListener(BreakerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(BreakerListener listener) {
    listeners.remove(listener);
  }

  @Override
  public BreakerPolicy hostPolicy() {
    return hostPolicy;
  }

  @Override
  public BreakerPolicy trainingPolicy() {
    return trainingPolicy;
  }

  private void forward(BreakerEvent event) {
    for (BreakerListener l : listeners) {
      try {
        l.onStateChange(event);
      } catch (RuntimeException e) {
        LOG.warn("breaker registry listener {} failed on {}", l, event, e);
      }
    }
  }

  private void bindMetrics(DefaultCircuitBreaker b) {
    if (meters == null) {
      return;
    }
    Gauge.builder("circuit_state", b, x -> x.peekState().code())
        .description("circuit breaker state: 0 closed, 1 open, 2 half-open")
        .tag("breaker", b.name())
        .register(meters);
    FunctionCounter.builder("circuit_rejected_calls", b, x -> x.rejectedCalls())
        .description("calls rejected because the circuit breaker was open")
        .tag("breaker", b.name())
        .register(meters);
  }
}
