package ai.ringrift.distributed.transport.ssh.internal;

import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's known_hosts verifier, checked against the host's <em>logical</em> address (the one the
 * user configured, e.g. the tunnel hostname when a proxy command carries the connection, where the
 * socket only sees a loopback bridge), and recording why a key was refused so the error can name
 * host and fingerprint.
 */
final class HostKeyVerifier extends KnownHostsServerKeyVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HostKeyVerifier.class);

  /** The address known_hosts is searched for. */
  static final AttributeKey<SshdSocketAddress> LOGICAL_ADDRESS = new AttributeKey<>();

  /** Filled with the refusal's description when a key is refused. */
  static final AttributeKey<AtomicReference<String>> REFUSAL = new AttributeKey<>();

  private final Path file;

  private HostKeyVerifier(ServerKeyVerifier unknownKeys, Path file) {
    super(unknownKeys, file);
    this.file = file;
  }

  static HostKeyVerifier create(Path knownHosts, HostKeyPolicy policy) {
    ServerKeyVerifier unknown =
        policy == HostKeyPolicy.ACCEPT_NEW
            ? (session, address, key) -> {
              LOG.info(
                  "recording the new host key of {} ({} {}) in {}",
                  logical(session),
                  KeyUtils.getKeyType(key),
                  KeyUtils.getFingerPrint(key),
                  knownHosts);
              return true;
            }
            : RejectAllServerKeyVerifier.INSTANCE;
    return new HostKeyVerifier(unknown, knownHosts);
  }

  static AttributeRepository context(String host, int port) {
    return AttributeRepository.ofAttributesMap(
        java.util.Map.of(
            LOGICAL_ADDRESS, new SshdSocketAddress(host, port),
            REFUSAL, new AtomicReference<String>()));
  }

  static @Nullable String refusal(AttributeRepository context) {
    AtomicReference<String> r = context.getAttribute(REFUSAL);
    return r == null ? null : r.get();
  }

  @Override
  protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(
      ClientSession session, SocketAddress remoteAddress) {
    SshdSocketAddress logical =
        session.getConnectionContext() == null
            ? null
            : session.getConnectionContext().getAttribute(LOGICAL_ADDRESS);
    return logical != null
        ? List.of(logical)
        : super.resolveHostNetworkIdentities(session, remoteAddress);
  }

  @Override
  protected boolean acceptUnknownHostKey(
      ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    boolean ok = super.acceptUnknownHostKey(session, remoteAddress, serverKey);
    if (!ok) {
      refuse(session, "is not in " + file + " (StrictHostKeyChecking)", serverKey);
    }
    return ok;
  }

  @Override
  public boolean acceptModifiedServerKey(
      ClientSession session,
      SocketAddress remoteAddress,
      KnownHostEntry entry,
      PublicKey expected,
      PublicKey actual) {
    refuse(
        session,
        "differs from the key recorded in "
            + file
            + " ("
            + KeyUtils.getFingerPrint(expected)
            + "): possible man-in-the-middle, or the host was reinstalled",
        actual);
    return false;
  }

  @Override
  protected void handleRevokedKey(
      ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    refuse(session, "is marked @revoked in " + file, serverKey);
    super.handleRevokedKey(session, remoteAddress, serverKey);
  }

  private static void refuse(ClientSession session, String why, PublicKey key) {
    String text =
        "host key of "
            + logical(session)
            + " ("
            + KeyUtils.getKeyType(key)
            + " "
            + KeyUtils.getFingerPrint(key)
            + ") "
            + why;
    LOG.warn("refusing {}", text);
    AttributeRepository ctx = session.getConnectionContext();
    AtomicReference<String> r = ctx == null ? null : ctx.getAttribute(REFUSAL);
    if (r != null) {
      r.set(text);
    }
  }

  private static String logical(ClientSession session) {
    AttributeRepository ctx = session.getConnectionContext();
    SshdSocketAddress a = ctx == null ? null : ctx.getAttribute(LOGICAL_ADDRESS);
    return a != null
        ? a.getHostName() + ":" + a.getPort()
        : String.valueOf(session.getRemoteAddress());
  }
}
