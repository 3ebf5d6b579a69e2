package ai.ringrift.distributed.transport;

import java.time.Duration;

/**
 * Whether a host answered a transport's probe.
 *
 * @param host the host's name
 * @param transport the transport's name
 * @param reachable whether it answered
 * @param latency how long the probe took
 * @param detail the address that answered, or why none did
 */
public record ProbeResult(
    String host, String transport, boolean reachable, Duration latency, String detail) {}
