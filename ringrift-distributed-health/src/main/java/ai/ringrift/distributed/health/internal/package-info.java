/**
 * Implementation of the health module. <strong>Not API</strong>: anything here may change without
 * notice, and no other module may use it (the architecture test enforces this).
 */
@NullMarked
package ai.ringrift.distributed.health.internal;

import org.jspecify.annotations.NullMarked;
