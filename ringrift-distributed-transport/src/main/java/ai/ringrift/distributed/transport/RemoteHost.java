package ai.ringrift.distributed.transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one host: its addresses, SSH settings and P2P port. Immutable; built with {@link
 * #builder(String)}. Core's cluster configuration ({@code distributed_hosts.yaml}) produces these;
 * tests build them directly.
 *
 * <p>The Cloudflare service-token secret is never part of {@link #toString()}.
 */
public final class RemoteHost {
  /** The SSH port used when none is configured. */
  public static final int DEFAULT_SSH_PORT = 22;

  /** The P2P service port used when none is configured ({@code RINGRIFT_P2P_PORT}). */
  public static final int DEFAULT_P2P_PORT = 8770;

  private final String name;
  private final @Nullable String sshHost;
  private final @Nullable String tailscaleIp;
  private final String sshUser;
  private final int sshPort;
  private final Path sshKey;
  private final int p2pPort;
  private final @Nullable String cloudflareTunnel;
  private final @Nullable String cloudflareTokenId;
  private final @Nullable String cloudflareTokenSecret;

  private RemoteHost(Builder b) {
    this.name = b.name;
    this.sshHost = b.sshHost;
    this.tailscaleIp = b.tailscaleIp;
    this.sshUser = b.sshUser;
    this.sshPort = b.sshPort;
    this.sshKey = b.sshKey;
    this.p2pPort = b.p2pPort;
    this.cloudflareTunnel = b.cloudflareTunnel;
    this.cloudflareTokenId = b.cloudflareTokenId;
    this.cloudflareTokenSecret = b.cloudflareTokenSecret;
  }

  /**
   * Starts a builder for the host named {@code name}; with nothing else set, the name is also its
   * address.
   *
   * @param name the host's name in the cluster configuration
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A builder holding this host's settings, to derive a variant.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.sshHost = sshHost;
    b.tailscaleIp = tailscaleIp;
    b.sshUser = sshUser;
    b.sshPort = sshPort;
    b.sshKey = sshKey;
    b.p2pPort = p2pPort;
    b.cloudflareTunnel = cloudflareTunnel;
    b.cloudflareTokenId = cloudflareTokenId;
    b.cloudflareTokenSecret = cloudflareTokenSecret;
    return b;
  }

  /**
   * The host's name in the cluster configuration.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The addresses to try, in order: the Tailscale IP when configured, then the SSH host (or the
   * name when no SSH host is set). A Cloudflare tunnel, when configured, is tried after these.
   *
   * @return one or two addresses, never empty
   */
  public List<String> addresses() {
    List<String> out = new ArrayList<>(2);
    if (tailscaleIp != null) {
      out.add(tailscaleIp);
    }
    String direct = sshHost != null ? sshHost : name;
    if (!out.contains(direct)) {
      out.add(direct);
    }
    return List.copyOf(out);
  }

  /**
   * The SSH user.
   *
   * @return the user name
   */
  public String sshUser() {
    return sshUser;
  }

  /**
   * The SSH port.
   *
   * @return the port
   */
  public int sshPort() {
    return sshPort;
  }

  /**
   * The only private key offered to this host (no agent, no other keys).
   *
   * @return the key file
   */
  public Path sshKey() {
    return sshKey;
  }

  /**
   * The host's P2P service port.
   *
   * @return the port
   */
  public int p2pPort() {
    return p2pPort;
  }

  /**
   * The Cloudflare Zero Trust hostname to reach SSH through, if any.
   *
   * @return the tunnel hostname
   */
  public Optional<String> cloudflareTunnel() {
    return Optional.ofNullable(cloudflareTunnel);
  }

  /**
   * The Cloudflare service token id, if any.
   *
   * @return the token id
   */
  public Optional<String> cloudflareTokenId() {
    return Optional.ofNullable(cloudflareTokenId);
  }

  /**
   * The Cloudflare service token secret, if any. Never logged.
   *
   * @return the secret
   */
  public Optional<String> cloudflareTokenSecret() {
    return Optional.ofNullable(cloudflareTokenSecret);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteHost h
        && name.equals(h.name)
        && Objects.equals(sshHost, h.sshHost)
        && Objects.equals(tailscaleIp, h.tailscaleIp)
        && sshUser.equals(h.sshUser)
        && sshPort == h.sshPort
        && sshKey.equals(h.sshKey)
        && p2pPort == h.p2pPort
        && Objects.equals(cloudflareTunnel, h.cloudflareTunnel)
        && Objects.equals(cloudflareTokenId, h.cloudflareTokenId)
        && Objects.equals(cloudflareTokenSecret, h.cloudflareTokenSecret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, sshHost, tailscaleIp, sshUser, sshPort, p2pPort);
  }

  @Override
  public String toString() {
    return "RemoteHost{"
        + name
        + " addresses="
        + addresses()
        + " ssh="
        + sshUser
        + "@:"
        + sshPort
        + " p2p="
        + p2pPort
        + (cloudflareTunnel != null ? " tunnel=" + cloudflareTunnel : "")
        + "}";
  }

  /** Builds a {@link RemoteHost}; each setter validates its value. */
  public static final class Builder {
    private final String name;
    private @Nullable String sshHost;
    private @Nullable String tailscaleIp;
    private String sshUser = System.getProperty("user.name", "root");
    private int sshPort = DEFAULT_SSH_PORT;
    private Path sshKey = Path.of(System.getProperty("user.home"), ".ssh", "id_cluster");
    private int p2pPort = DEFAULT_P2P_PORT;
    private @Nullable String cloudflareTunnel;
    private @Nullable String cloudflareTokenId;
    private @Nullable String cloudflareTokenSecret;

    private Builder(String name) {
      this.name = requireNonBlank(name, "name");
    }

    /**
     * The SSH host: an address or DNS name. A {@code user@host} form also sets the user.
     *
     * @param sshHost the address
     * @return this builder
     */
    public Builder sshHost(String sshHost) {
      String h = requireNonBlank(sshHost, "sshHost");
      int at = h.indexOf('@');
      if (at >= 0) {
        this.sshUser = requireNonBlank(h.substring(0, at), "sshHost user part");
        h = requireNonBlank(h.substring(at + 1), "sshHost host part");
      }
      this.sshHost = h;
      return this;
    }

    /**
     * The Tailscale address, tried before the SSH host.
     *
     * @param tailscaleIp the address
     * @return this builder
     */
    public Builder tailscaleIp(String tailscaleIp) {
      this.tailscaleIp = requireNonBlank(tailscaleIp, "tailscaleIp");
      return this;
    }

    /**
     * The SSH user.
     *
     * @param sshUser the user name
     * @return this builder
     */
    public Builder sshUser(String sshUser) {
      this.sshUser = requireNonBlank(sshUser, "sshUser");
      return this;
    }

    /**
     * The SSH port.
     *
     * @param sshPort 1 to 65535
     * @return this builder
     */
    public Builder sshPort(int sshPort) {
      this.sshPort = requirePort(sshPort, "sshPort");
      return this;
    }

    /**
     * The private key file: the only key offered to this host.
     *
     * @param sshKey the key file; a leading {@code ~} is expanded to the user's home
     * @return this builder
     */
    public Builder sshKey(Path sshKey) {
      Objects.requireNonNull(sshKey, "sshKey");
      String s = sshKey.toString();
      if (s.equals("~") || s.startsWith("~/")) {
        sshKey = Path.of(System.getProperty("user.home") + s.substring(1));
      }
      this.sshKey = sshKey;
      return this;
    }

    /**
     * The P2P service port.
     *
     * @param p2pPort 1 to 65535
     * @return this builder
     */
    public Builder p2pPort(int p2pPort) {
      this.p2pPort = requirePort(p2pPort, "p2pPort");
      return this;
    }

    /**
     * Reach SSH through a Cloudflare Zero Trust tunnel.
     *
     * @param hostname the tunnel hostname
     * @param tokenId the service token id, or {@code null} for none
     * @param tokenSecret the service token secret, or {@code null} for none; never logged
     * @return this builder
     */
    public Builder cloudflareTunnel(
        String hostname, @Nullable String tokenId, @Nullable String tokenSecret) {
      this.cloudflareTunnel = requireNonBlank(hostname, "cloudflareTunnel");
      if ((tokenId == null) != (tokenSecret == null)) {
        throw new IllegalArgumentException(
            "cloudflare service token id and secret go together for host " + name);
      }
      this.cloudflareTokenId = tokenId;
      this.cloudflareTokenSecret = tokenSecret;
      return this;
    }

    /**
     * Builds the host.
     *
     * @return an immutable host
     */
    public RemoteHost build() {
      return new RemoteHost(this);
    }

    private static String requireNonBlank(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value.strip();
    }

    private int requirePort(int port, String what) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            what + " of host " + name + " must be 1..65535, was " + port);
      }
      return port;
    }
  }
}
