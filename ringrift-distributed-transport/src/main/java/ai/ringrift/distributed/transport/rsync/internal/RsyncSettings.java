package ai.ringrift.distributed.transport.rsync.internal;

import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The transport's validated settings (see {@code RsyncTransport.Builder} for meanings and
 * defaults).
 *
 * @param rsync the rsync binary
 * @param ssh the ssh binary
 * @param knownHosts the known_hosts file
 * @param hostKeyPolicy unknown-key policy
 * @param connectTimeout ssh ConnectTimeout and the address probe's limit
 * @param ioTimeout rsync --timeout
 * @param proxyCommand proxy command template for tunnel hosts
 * @param compress whether to pass -z
 * @param maxConcurrentTransfers transfers at once
 */
public record RsyncSettings(
    Path rsync,
    String ssh,
    Path knownHosts,
    HostKeyPolicy hostKeyPolicy,
    Duration connectTimeout,
    Duration ioTimeout,
    String proxyCommand,
    boolean compress,
    int maxConcurrentTransfers) {}
