/**
 * Per-host circuit breakers and named asynchronous health checks.
 *
 * <p>Breakers are built on Resilience4j, but none of its types appear in this API. This module
 * depends on no other ringrift-distributed module.
 */
@NullMarked
package ai.ringrift.distributed.health;

import org.jspecify.annotations.NullMarked;
