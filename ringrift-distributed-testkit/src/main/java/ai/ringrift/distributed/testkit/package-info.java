/**
 * Test fixtures for ringrift-distributed users and for the library's own tests. Depends on no other
 * ringrift-distributed module, so every module's tests can use it.
 */
@NullMarked
package ai.ringrift.distributed.testkit;

import org.jspecify.annotations.NullMarked;
