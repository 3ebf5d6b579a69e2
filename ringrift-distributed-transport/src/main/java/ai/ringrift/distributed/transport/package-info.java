/**
 * Moving files and games between nodes: the {@code Transport} abstraction and its HTTP P2P, rsync
 * over SSH and aria2 implementations, plus the SSH executor.
 *
 * <p>Depends on the storage module (it serves and installs files and games) and on the health
 * module (breakers and peers' health). No Netty or MINA SSHD type appears in this API.
 */
@NullMarked
package ai.ringrift.distributed.transport;

import org.jspecify.annotations.NullMarked;
