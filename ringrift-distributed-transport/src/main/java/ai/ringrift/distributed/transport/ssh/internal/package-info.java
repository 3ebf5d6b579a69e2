/**
 * Implementation of the SSH executor on Apache MINA SSHD: connection pool, known_hosts verifier,
 * proxy-command bridge, output capture, memory parsers. Not API: may change without notice.
 */
@NullMarked
package ai.ringrift.distributed.transport.ssh.internal;

import org.jspecify.annotations.NullMarked;
