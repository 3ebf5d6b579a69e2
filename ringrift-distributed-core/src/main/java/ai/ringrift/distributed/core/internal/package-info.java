/** Implementation of the core module. Not API: anything here may change without notice. */
@NullMarked
package ai.ringrift.distributed.core.internal;

import org.jspecify.annotations.NullMarked;
