/**
 * Implementation of the HTTP P2P service and client: Netty handlers, path resolution, the manifest
 * cache, the game frame codec. Not API: these types may change in any release.
 */
@NullMarked
package ai.ringrift.distributed.transport.http.internal;

import org.jspecify.annotations.NullMarked;
