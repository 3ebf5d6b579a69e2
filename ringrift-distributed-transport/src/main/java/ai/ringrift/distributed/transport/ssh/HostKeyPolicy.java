package ai.ringrift.distributed.transport.ssh;

/**
 * What to do with a host key that the known_hosts file does not hold. A key that differs from the
 * one recorded for a host is refused under every policy; there is no accept-all.
 */
public enum HostKeyPolicy {
  /** Refuse hosts whose key is not in known_hosts (OpenSSH {@code StrictHostKeyChecking=yes}). */
  STRICT,
  /**
   * Accept a host seen for the first time and append its key to known_hosts; later connections are
   * then checked against it (OpenSSH {@code StrictHostKeyChecking=accept-new}).
   */
  ACCEPT_NEW
}
