/**
 * Circuit breakers: one per host (and per purpose, such as training), created on first use by a
 * {@link ai.ringrift.distributed.health.breaker.BreakerRegistry}.
 *
 * <p>A breaker opens after {@code failureThreshold} consecutive failures that count against the
 * host (see {@link ai.ringrift.distributed.health.breaker.HostFault}), rejects calls while open,
 * lets {@code halfOpenRequests} probes through once its recovery timeout has passed, and closes
 * when they all succeed. Repeated opens back off (the open period grows by a multiplier, with
 * jitter, up to a cap), and a probe is always eventually allowed: no host is excluded forever.
 *
 * <pre>{@code
 * BreakerRegistry breakers = BreakerRegistry.builder().meterRegistry(meters).build();
 * CircuitBreaker breaker = breakers.hostBreaker("100.64.0.7");
 * breaker.execute(() -> transport.pull("100.64.0.7", request))
 *     .whenComplete((result, error) -> {
 *       if (error instanceof CircuitOpenException open) {
 *         log.info("skipping host until {}", open.retryAt());
 *       }
 *     });
 * }</pre>
 *
 * <p>The state machine is our own (see {@code docs/BREAKERS-AND-HEALTH.md} for why); no type of an
 * implementation library appears in this API.
 */
@NullMarked
package ai.ringrift.distributed.health.breaker;

import org.jspecify.annotations.NullMarked;
