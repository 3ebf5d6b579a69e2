/**
 * Running commands on cluster hosts over SSH ({@link SshExecutor}, on Apache MINA SSHD) and
 * detecting their memory ({@link HostMemory}).
 *
 * <p>Safe by default where the Python cluster was not: only the host's configured key is offered
 * (no agent, no key spraying, so no "Too many authentication failures"), host keys are checked
 * against a known_hosts file (strict unless {@link HostKeyPolicy#ACCEPT_NEW} is chosen; never
 * accept-all), output capture is bounded, and every command has a timeout. No MINA type appears in
 * this API.
 */
@NullMarked
package ai.ringrift.distributed.transport.ssh;

import org.jspecify.annotations.NullMarked;
