/**
 * The rsync-over-SSH {@link ai.ringrift.distributed.transport.Transport}: the real {@code rsync}
 * binary with OpenSSH as its remote shell, for nodes that run no JVM. See {@link RsyncTransport}
 * for the flags and why, and {@link SqliteSnapshots} for copying a database safely.
 */
@NullMarked
package ai.ringrift.distributed.transport.rsync;

import org.jspecify.annotations.NullMarked;
