package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.breaker.BreakerEvent;
import ai.ringrift.distributed.health.breaker.BreakerListener;
import ai.ringrift.distributed.health.breaker.BreakerPolicy;
import ai.ringrift.distributed.health.breaker.CircuitBreaker;
import ai.ringrift.distributed.health.breaker.CircuitOpenException;
import ai.ringrift.distributed.health.breaker.CircuitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our breaker semantics on top of Resilience4j ({@link Resilience4jDelegate}).
 *
 * <p>Division of labour. Resilience4j decides whether an open or half-open breaker admits a call,
 * moves OPEN → HALF_OPEN lazily once the open period has passed (by the injected clock), hands out
 * exactly {@code halfOpenRequests} probe permits (a cancelled probe gives its permit back) and
 * closes after that many probe successes. This class adds what Resilience4j does not do or does
 * differently: it counts <em>consecutive</em> counted failures and opens the Resilience4j breaker
 * itself with the doubling, jittered, capped backoff; it reopens at once on any failed probe
 * (Resilience4j would wait for every probe and decide by failure rate); it expires a probe that has
 * not answered within {@code probeTimeout} when someone next asks (Resilience4j would need its
 * process-wide scheduler, which ignores the injected clock); it ignores results of calls admitted
 * in an earlier state; and it publishes our events, after releasing its lock (Resilience4j
 * publishes under its lock).
 *
 * <p>Invariants: {@link #snap} is an immutable snapshot; every change to it, and every call into
 * the delegate, happens while holding {@link #lock}, so transitions are totally ordered, and every
 * transition increments {@code epoch}. A call remembers the epoch it was admitted in; its result is
 * ignored if the epoch has moved on.
 *
 * <p>The closed state is ours alone: a closed call reads one volatile snapshot and, when it
 * succeeds with no failure counted, writes nothing and takes no lock. The Resilience4j breaker sits
 * closed meanwhile and is not told about closed-state results (it would only record them in metrics
 * that are never read and that never open it, at about 115 ns per call). Every call into it happens
 * under {@link #lock}, so its state and {@link #snap} change together. Events are queued while the
 * lock is held (so the queue order is the transition order) and delivered after it is released, by
 * one thread at a time.
 */
public final class DefaultCircuitBreaker implements CircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCircuitBreaker.class);

  private enum Outcome {
    SUCCESS,
    FAILURE,
    IGNORED
  }

  /** An immutable state snapshot. */
  private static final class Snap {
    final CircuitState state;
    final long epoch;
    final int failures; // consecutive counted failures while CLOSED
    final int opens; // consecutive opens without a close in between
    final @Nullable Instant retryAt; // OPEN: when a probe is allowed

    Snap(CircuitState state, long epoch, int failures, int opens, @Nullable Instant retryAt) {
      this.state = state;
      this.epoch = epoch;
      this.failures = failures;
      this.opens = opens;
      this.retryAt = retryAt;
    }

    static Snap closed(long epoch) {
      return new Snap(CircuitState.CLOSED, epoch, 0, 0, null);
    }
  }

  /** A probe admitted in half-open; identity matters. */
  private static final class Probe {
    final Instant grantedAt;

    Probe(Instant grantedAt) {
      this.grantedAt = grantedAt;
    }
  }

  /** The outcome of {@link #admitSlow()}: a rejection, or the epoch (and probe) of an admission. */
  private static final class Admission {
    final long epoch;
    final @Nullable Probe probe;
    final @Nullable CircuitOpenException rejection;

    Admission(long epoch, @Nullable Probe probe, @Nullable CircuitOpenException rejection) {
      this.epoch = epoch;
      this.probe = probe;
      this.rejection = rejection;
    }
  }

  private final String name;
  private final BreakerPolicy policy;
  private final Clock clock;
  private final RandomGenerator random;
  private final Resilience4jDelegate delegate;
  private final Object lock = new Object();
  private volatile Snap snap = Snap.closed(0);
  // HALF_OPEN: the probes admitted and not yet answered, oldest first; guarded by lock.
  private final ArrayDeque<Probe> probes = new ArrayDeque<>();
  private final LongAdder rejected = new LongAdder();
  private final CopyOnWriteArrayList<BreakerListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<BreakerEvent> pendingEvents = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  /**
   * Creates a closed breaker.
   *
   * @param name the name
   * @param policy the policy
   * @param clock the clock open periods are measured with
   * @param random the jitter source, used only under the breaker's lock
   */
  public DefaultCircuitBreaker(
      String name, BreakerPolicy policy, Clock clock, RandomGenerator random) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.delegate = new Resilience4jDelegate(name, policy, clock);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BreakerPolicy policy() {
    return policy;
  }

  /**
   * The state without applying due transitions (for gauges, which must not change state).
   *
   * @return the state as last recorded
   */
  public CircuitState peekState() {
    return snap.state;
  }

  @Override
  public CircuitState state() {
    Snap s = snap;
    if (s.state == CircuitState.CLOSED) {
      return s.state;
    }
    synchronized (lock) {
      Instant now = clock.instant();
      expireProbes(now);
      s = snap;
      if (s.state == CircuitState.OPEN && s.retryAt != null && !now.isBefore(s.retryAt)) {
        // Asking must not take a probe permit: move the delegate explicitly.
        delegate.transitionToHalfOpen();
        enterHalfOpen(s, now);
      }
      s = snap;
    }
    deliverEvents();
    return s.state;
  }

  @Override
  public Optional<Instant> retryAt() {
    Snap s = snap;
    if (s.state == CircuitState.OPEN) {
      return Optional.ofNullable(s.retryAt);
    }
    return Optional.empty();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public <T> CompletableFuture<T> execute(Supplier<? extends CompletionStage<T>> call) {
    Objects.requireNonNull(call, "call");
    Snap s = snap;
    long epoch;
    Probe probe;
    if (s.state == CircuitState.CLOSED) {
      epoch = s.epoch;
      probe = null;
    } else {
      Admission admission = admitSlow();
      deliverEvents();
      if (admission.rejection != null) {
        return CompletableFuture.failedFuture(admission.rejection);
      }
      epoch = admission.epoch;
      probe = admission.probe;
    }
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      onResult(epoch, probe, e);
      return CompletableFuture.failedFuture(unwrap(e));
    }
    if (stage == null) {
      onResult(epoch, probe, new CancellationException("supplier returned null"));
      return CompletableFuture.failedFuture(
          new NullPointerException("the call given to breaker '" + name + "' returned null"));
    }
    CallFuture<T> result = new CallFuture<>(stage);
    stage.whenComplete(
        (value, error) -> {
          onResult(epoch, probe, error);
          if (error == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(unwrap(error));
          }
        });
    return result;
  }

  @Override
  public void reset() {
    synchronized (lock) {
      Snap s = snap;
      if (s.state != CircuitState.CLOSED || s.failures != 0 || s.opens != 0) {
        delegate.reset();
        probes.clear();
        transition(s, Snap.closed(s.epoch + 1), clock.instant(), "reset");
      }
    }
    deliverEvents();
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
  public String toString() {
    Snap s = snap;
    return "CircuitBreaker[" + name + ", " + s.state + ", failures=" + s.failures + "]";
  }

  /** Admits or rejects a call when the breaker is not known to be closed. */
  private Admission admitSlow() {
    synchronized (lock) {
      Instant now = clock.instant();
      expireProbes(now);
      Snap s = snap;
      if (s.state == CircuitState.CLOSED) {
        return new Admission(s.epoch, null, null);
      }
      // Resilience4j decides: open admits (and turns half-open) once retryAt has passed by its
      // clock, which is ours; half-open admits while probe permits are left.
      boolean permitted = delegate.tryAcquirePermission();
      if (s.state == CircuitState.OPEN && delegate.isHalfOpen()) {
        enterHalfOpen(s, now);
        s = snap;
      }
      if (!permitted) {
        rejected.increment();
        return new Admission(-1, null, rejection(s));
      }
      Probe probe = new Probe(now);
      probes.addLast(probe);
      return new Admission(s.epoch, probe, null);
    }
  }

  /** The rejection for snapshot {@code s}; caller holds the lock. */
  private CircuitOpenException rejection(Snap s) {
    Probe oldest = probes.peekFirst();
    if (s.state == CircuitState.HALF_OPEN && oldest != null) {
      return new CircuitOpenException(
          name,
          CircuitState.HALF_OPEN,
          oldest.grantedAt.plus(policy.probeTimeout()),
          "all "
              + policy.halfOpenRequests()
              + " probe call(s) in flight; the next is allowed when they finish");
    }
    Instant retryAt = s.retryAt != null ? s.retryAt : clock.instant();
    return new CircuitOpenException(
        name,
        CircuitState.OPEN,
        retryAt,
        s.opens <= 1
            ? "opened after " + policy.failureThreshold() + " consecutive failures"
            : "opened " + s.opens + " times in a row");
  }

  /**
   * Counts a half-open probe that has not answered within {@code probeTimeout} as failed, so that a
   * probe that hangs forever cannot keep the breaker half-open (and the host excluded) forever.
   * Caller holds the lock.
   */
  private void expireProbes(Instant now) {
    Snap s = snap;
    Probe oldest = probes.peekFirst();
    if (s.state == CircuitState.HALF_OPEN
        && oldest != null
        && !now.isBefore(oldest.grantedAt.plus(policy.probeTimeout()))) {
      open(
          s, now, "no answer from the half-open probe(s) within " + seconds(policy.probeTimeout()));
    }
  }

  /** Records the delegate's move from OPEN to HALF_OPEN; caller holds the lock. */
  private void enterHalfOpen(Snap s, Instant now) {
    probes.clear();
    transition(
        s,
        new Snap(CircuitState.HALF_OPEN, s.epoch + 1, 0, s.opens, null),
        now,
        "retry time " + s.retryAt + " reached");
  }

  private void onResult(long epoch, @Nullable Probe probe, @Nullable Throwable error) {
    Outcome outcome = classify(error);
    if (probe == null) {
      // A closed-state call: ours alone (see the class comment).
      if (outcome == Outcome.IGNORED) {
        return;
      }
      if (outcome == Outcome.SUCCESS) {
        Snap current = snap;
        if (current.failures == 0 || current.epoch != epoch) {
          return; // hot path: nothing to reset
        }
      }
      synchronized (lock) {
        Snap s = snap;
        if (s.state != CircuitState.CLOSED || s.epoch != epoch) {
          return; // stale result of an earlier state
        }
        if (outcome == Outcome.SUCCESS) {
          snap = new Snap(CircuitState.CLOSED, s.epoch, 0, 0, null);
        } else {
          int failures = s.failures + 1;
          if (failures >= policy.failureThreshold()) {
            open(s, clock.instant(), failures + " consecutive failures, last: " + describe(error));
          } else {
            snap = new Snap(CircuitState.CLOSED, s.epoch, failures, 0, null);
          }
        }
      }
    } else {
      synchronized (lock) {
        Snap s = snap;
        if (s.state != CircuitState.HALF_OPEN || s.epoch != epoch || !probes.remove(probe)) {
          return; // the half-open period it was admitted in is over (expired, reset, reopened)
        }
        switch (outcome) {
          case FAILURE:
            // Any counted failure reopens at once (Resilience4j would wait for every probe and
            // decide by failure rate); the other probes' results become stale.
            open(s, clock.instant(), "half-open probe failed: " + describe(error));
            break;
          case SUCCESS:
            delegate.onSuccess();
            if (delegate.isClosed()) {
              transition(
                  s,
                  Snap.closed(s.epoch + 1),
                  clock.instant(),
                  policy.halfOpenRequests() + " half-open probe(s) succeeded");
            }
            break;
          case IGNORED:
          default:
            delegate.releasePermission();
            break;
        }
      }
    }
    deliverEvents();
  }

  /** Opens the breaker from {@code s}; caller holds the lock. */
  private void open(Snap s, Instant now, String reason) {
    int opens = s.opens == Integer.MAX_VALUE ? s.opens : s.opens + 1;
    Duration period = jittered(opens);
    Instant retryAt = now.plus(period);
    probes.clear();
    delegate.openUntil(retryAt);
    transition(
        s,
        new Snap(CircuitState.OPEN, s.epoch + 1, 0, opens, retryAt),
        now,
        reason + "; open for " + seconds(period));
  }

  private Duration jittered(int opens) {
    Duration base = policy.openPeriod(opens);
    if (opens <= 1 || policy.jitter() == 0.0) {
      return base;
    }
    double factor = 1.0 + policy.jitter() * (2.0 * random.nextDouble() - 1.0);
    long nanos = (long) (base.toNanos() * factor);
    long min = policy.recoveryTimeout().toNanos();
    long max = policy.maxBackoff().toNanos();
    return Duration.ofNanos(Math.max(min, Math.min(max, nanos)));
  }

  /** Installs {@code next} and queues the event; caller holds the lock. */
  private void transition(Snap from, Snap next, Instant now, String reason) {
    snap = next;
    if (from.state == next.state) {
      return;
    }
    BreakerEvent event =
        new BreakerEvent(name, from.state, next.state, now, next.retryAt, next.opens, reason);
    pendingEvents.add(event);
  }

  private void deliverEvents() {
    while (!pendingEvents.isEmpty()) {
      if (!delivering.compareAndSet(false, true)) {
        return; // another thread is delivering and will see our events
      }
      try {
        BreakerEvent event;
        while ((event = pendingEvents.poll()) != null) {
          log(event);
          for (BreakerListener listener : listeners) {
            try {
              listener.onStateChange(event);
            } catch (RuntimeException e) {
              LOG.warn("breaker listener {} failed on {}", listener, event, e);
            }
          }
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  private static void log(BreakerEvent e) {
    if (e.to() == CircuitState.OPEN) {
      LOG.warn(
          "circuit breaker '{}' {} -> OPEN until {}: {}",
          e.breakerName(),
          e.from(),
          e.retryAt(),
          e.reason());
    } else {
      LOG.info("circuit breaker '{}' {} -> {}: {}", e.breakerName(), e.from(), e.to(), e.reason());
    }
  }

  private Outcome classify(@Nullable Throwable error) {
    if (error == null) {
      return Outcome.SUCCESS;
    }
    Throwable t = unwrap(error);
    if (t instanceof CancellationException) {
      return Outcome.IGNORED;
    }
    boolean counts;
    try {
      counts = policy.failurePredicate().test(t);
    } catch (RuntimeException e) {
      LOG.warn("failure predicate of breaker '{}' threw; counting the failure", name, e);
      counts = true;
    }
    return counts ? Outcome.FAILURE : Outcome.SUCCESS;
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static String describe(@Nullable Throwable t) {
    if (t == null) {
      return "none";
    }
    Throwable u = unwrap(t);
    return u.getClass().getSimpleName() + (u.getMessage() == null ? "" : ": " + u.getMessage());
  }

  static String seconds(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 == 0) {
      return (millis / 1000) + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0);
  }

  /** The future returned by {@link #execute}: cancelling it cancels the call's stage. */
  private static final class CallFuture<T> extends CompletableFuture<T> {
    private final CompletionStage<T> stage;

    CallFuture(CompletionStage<T> stage) {
      this.stage = stage;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        try {
          stage.toCompletableFuture().cancel(mayInterruptIfRunning);
        } catch (UnsupportedOperationException e) {
          // a stage that cannot be viewed as a future cannot be cancelled either
        }
      }
      return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
