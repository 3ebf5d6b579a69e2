package ai.ringrift.distributed.transport.ssh.internal;

import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The executor's validated settings (see {@code SshExecutor.Builder} for meanings and defaults).
 *
 * @param knownHosts the known_hosts file
 * @param hostKeyPolicy unknown-key policy
 * @param connectTimeout per-address connect + auth limit
 * @param commandTimeout default command limit
 * @param idleTimeout idle connection lifetime
 * @param maxOutputBytes capture limit per stream
 * @param maxConcurrentCommands global concurrency
 * @param maxChannelsPerConnection channels per connection
 * @param proxyCommand proxy command template
 */
public record SshSettings(
    Path knownHosts,
    HostKeyPolicy hostKeyPolicy,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration idleTimeout,
    int maxOutputBytes,
    int maxConcurrentCommands,
    int maxChannelsPerConnection,
    String proxyCommand) {}
