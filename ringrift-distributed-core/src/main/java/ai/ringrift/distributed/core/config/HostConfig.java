package ai.ringrift.distributed.core.config;

import ai.ringrift.distributed.transport.RemoteHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One host of the cluster, as {@code distributed_hosts.yaml} describes it under {@code hosts:}.
 * Immutable; built with {@link #builder(String)} (the YAML loader uses the same builder).
 *
 * <p>Every key of the host's YAML entry, known or not, is kept in {@link #properties()}, so a file
 * written for the Python tools loses nothing.
 */
public final class HostConfig {
  /** The status of a host that may be given work. */
  public static final String STATUS_READY = "ready";

  private final String name;
  private final @Nullable String sshHost;
  private final @Nullable String tailscaleIp;
  private final @Nullable String sshUser;
  private final int sshPort;
  private final @Nullable Path sshKey;
  private final @Nullable String ringriftPath;
  private final @Nullable Integer memoryGb;
  private final @Nullable Integer cpus;
  private final @Nullable String gpu;
  private final @Nullable Integer gpuVramGb;
  private final @Nullable String role;
  private final String status;
  private final int workerPort;
  private final int p2pPort;
  private final boolean p2pEnabled;
  private final boolean ephemeral;
  private final @Nullable String storageType;
  private final @Nullable String cloudflareTunnel;
  private final @Nullable String cloudflareTokenId;
  private final @Nullable String cloudflareTokenSecret;
  private final Map<String, Object> properties;

  private HostConfig(Builder b) {
    this.name = b.name;
    this.sshHost = b.sshHost;
    this.tailscaleIp = b.tailscaleIp;
    this.sshUser = b.sshUser;
    this.sshPort = b.sshPort;
    this.sshKey = b.sshKey;
    this.ringriftPath = b.ringriftPath;
    this.memoryGb = b.memoryGb;
    this.cpus = b.cpus;
    this.gpu = b.gpu;
    this.gpuVramGb = b.gpuVramGb;
    this.role = b.role;
    this.status = b.status;
    this.workerPort = b.workerPort;
    this.p2pPort = b.p2pPort;
    this.p2pEnabled = b.p2pEnabled;
    this.ephemeral = b.ephemeral;
    this.storageType = b.storageType;
    this.cloudflareTunnel = b.cloudflareTunnel;
    this.cloudflareTokenId = b.cloudflareTokenId;
    this.cloudflareTokenSecret = b.cloudflareTokenSecret;
    this.properties = Map.copyOf(b.properties);
  }

  /**
   * Starts a builder.
   *
   * @param name the host's name (its key under {@code hosts:})
   * @return a builder with the documented defaults
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * @return the host's name
   */
  public String name() {
    return name;
  }

  /**
   * @return the SSH address ({@code ssh_host}), if configured
   */
  public Optional<String> sshHost() {
    return Optional.ofNullable(sshHost);
  }

  /**
   * @return the Tailscale address ({@code tailscale_ip}), tried before {@code ssh_host}
   */
  public Optional<String> tailscaleIp() {
    return Optional.ofNullable(tailscaleIp);
  }

  /**
   * @return the SSH user ({@code ssh_user}), if configured
   */
  public Optional<String> sshUser() {
    return Optional.ofNullable(sshUser);
  }

  /**
   * @return the SSH port ({@code ssh_port}, default 22)
   */
  public int sshPort() {
    return sshPort;
  }

  /**
   * @return the SSH key ({@code ssh_key}), if configured
   */
  public Optional<Path> sshKey() {
    return Optional.ofNullable(sshKey);
  }

  /**
   * @return the RingRift checkout on the host ({@code ringrift_path} or {@code work_dir})
   */
  public Optional<String> ringriftPath() {
    return Optional.ofNullable(ringriftPath);
  }

  /**
   * @return the host's memory in GB ({@code memory_gb}), if configured
   */
  public OptionalInt memoryGb() {
    return memoryGb == null ? OptionalInt.empty() : OptionalInt.of(memoryGb);
  }

  /**
   * @return the CPU count ({@code cpus}), if configured
   */
  public OptionalInt cpus() {
    return cpus == null ? OptionalInt.empty() : OptionalInt.of(cpus);
  }

  /**
   * @return the GPU model ({@code gpu}), if configured
   */
  public Optional<String> gpu() {
    return Optional.ofNullable(gpu);
  }

  /**
   * @return the GPU memory in GB ({@code gpu_vram_gb}), if configured
   */
  public OptionalInt gpuVramGb() {
    return gpuVramGb == null ? OptionalInt.empty() : OptionalInt.of(gpuVramGb);
  }

  /**
   * @return the host's role ({@code role}), e.g. {@code training} or {@code selfplay}
   */
  public Optional<String> role() {
    return Optional.ofNullable(role);
  }

  /**
   * @return the status ({@code status}, lower case, default {@code ready})
   */
  public String status() {
    return status;
  }

  /**
   * @return whether the host may be given work: its status is {@code ready}
   */
  public boolean isReady() {
    return STATUS_READY.equals(status);
  }

  /**
   * @return the worker port ({@code worker_port}, default 8765)
   */
  public int workerPort() {
    return workerPort;
  }

  /**
   * @return the P2P service port ({@code p2p_port}, default {@code RINGRIFT_P2P_PORT} or 8770)
   */
  public int p2pPort() {
    return p2pPort;
  }

  /**
   * @return whether the host runs the P2P service ({@code p2p_enabled}, default true)
   */
  public boolean p2pEnabled() {
    return p2pEnabled;
  }

  /**
   * @return whether the host's disk may vanish ({@code is_ephemeral}, or storage type ram)
   */
  public boolean isEphemeral() {
    return ephemeral;
  }

  /**
   * @return the storage type ({@code storage_type}), e.g. {@code nfs}, if configured
   */
  public Optional<String> storageType() {
    return Optional.ofNullable(storageType);
  }

  /**
   * @return the Cloudflare tunnel hostname ({@code cloudflare_tunnel}), if configured
   */
  public Optional<String> cloudflareTunnel() {
    return Optional.ofNullable(cloudflareTunnel);
  }

  /**
   * @return every key of the host's YAML entry, as read
   */
  public Map<String, Object> properties() {
    return properties;
  }

  /**
   * How the transports reach this host.
   *
   * @return a remote host with this host's addresses, SSH settings and P2P port
   */
  public RemoteHost toRemoteHost() {
    RemoteHost.Builder b = RemoteHost.builder(name).sshPort(sshPort).p2pPort(p2pPort);
    if (sshHost != null) {
      b.sshHost(sshHost);
    }
    if (tailscaleIp != null) {
      b.tailscaleIp(tailscaleIp);
    }
    if (sshUser != null) {
      b.sshUser(sshUser);
    }
    if (sshKey != null) {
      b.sshKey(sshKey);
    }
    if (cloudflareTunnel != null) {
      b.cloudflareTunnel(cloudflareTunnel, cloudflareTokenId, cloudflareTokenSecret);
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostConfig h && name.equals(h.name) && properties.equals(h.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, properties);
  }

  @Override
  public String toString() {
    return "HostConfig{"
        + name
        + (tailscaleIp != null ? " tailscale=" + tailscaleIp : "")
        + (sshHost != null ? " ssh=" + sshHost + ":" + sshPort : "")
        + " status="
        + status
        + (role != null ? " role=" + role : "")
        + (memoryGb != null ? " memory=" + memoryGb + "GB" : "")
        + (gpu != null ? " gpu=" + gpu : "")
        + "}";
  }

  /** Builds a {@link HostConfig}; every setter validates its value and names it when it fails. */
  public static final class Builder {
    private final String name;
    private @Nullable String sshHost;
    private @Nullable String tailscaleIp;
    private @Nullable String sshUser;
    private int sshPort = RemoteHost.DEFAULT_SSH_PORT;
    private @Nullable Path sshKey;
    private @Nullable String ringriftPath;
    private @Nullable Integer memoryGb;
    private @Nullable Integer cpus;
    private @Nullable String gpu;
    private @Nullable Integer gpuVramGb;
    private @Nullable String role;
    private String status = STATUS_READY;
    private int workerPort = 8765;
    private int p2pPort = RemoteHost.DEFAULT_P2P_PORT;
    private boolean p2pEnabled = true;
    private boolean ephemeral;
    private @Nullable String storageType;
    private @Nullable String cloudflareTunnel;
    private @Nullable String cloudflareTokenId;
    private @Nullable String cloudflareTokenSecret;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = nonBlank(name, "host name");
    }

    /**
     * {@code ssh_host}; a {@code user@host} form also sets the user.
     *
     * @param value an address or DNS name
     * @return this builder
     */
    public Builder sshHost(String value) {
      String v = nonBlank(value, "ssh_host");
      int at = v.indexOf('@');
      if (at >= 0) {
        sshUser(v.substring(0, at));
        v = nonBlank(v.substring(at + 1), "ssh_host");
      }
      this.sshHost = v;
      return this;
    }

    /**
     * {@code tailscale_ip}.
     *
     * @param value an address
     * @return this builder
     */
    public Builder tailscaleIp(String value) {
      this.tailscaleIp = nonBlank(value, "tailscale_ip");
      return this;
    }

    /**
     * {@code ssh_user}.
     *
     * @param value a user name
     * @return this builder
     */
    public Builder sshUser(String value) {
      this.sshUser = nonBlank(value, "ssh_user");
      return this;
    }

    /**
     * {@code ssh_port}.
     *
     * @param value 1..65535
     * @return this builder
     */
    public Builder sshPort(int value) {
      this.sshPort = port(value);
      return this;
    }

    /**
     * {@code ssh_key}.
     *
     * @param value the private key file ({@code ~} is expanded when the host is used)
     * @return this builder
     */
    public Builder sshKey(Path value) {
      this.sshKey = Objects.requireNonNull(value, "ssh_key");
      return this;
    }

    /**
     * {@code ringrift_path} (or its alias {@code work_dir}).
     *
     * @param value a path on the host
     * @return this builder
     */
    public Builder ringriftPath(String value) {
      this.ringriftPath = nonBlank(value, "ringrift_path");
      return this;
    }

    /**
     * {@code memory_gb}.
     *
     * @param value a positive number of GB
     * @return this builder
     */
    public Builder memoryGb(int value) {
      this.memoryGb = positive(value);
      return this;
    }

    /**
     * {@code cpus}.
     *
     * @param value a positive count
     * @return this builder
     */
    public Builder cpus(int value) {
      this.cpus = positive(value);
      return this;
    }

    /**
     * {@code gpu}.
     *
     * @param value the GPU model, e.g. {@code H100}
     * @return this builder
     */
    public Builder gpu(String value) {
      this.gpu = nonBlank(value, "gpu");
      return this;
    }

    /**
     * {@code gpu_vram_gb}.
     *
     * @param value a positive number of GB
     * @return this builder
     */
    public Builder gpuVramGb(int value) {
      this.gpuVramGb = positive(value);
      return this;
    }

    /**
     * {@code role}.
     *
     * @param value e.g. {@code training}, {@code selfplay}, {@code coordinator}
     * @return this builder
     */
    public Builder role(String value) {
      this.role = nonBlank(value, "role");
      return this;
    }

    /**
     * {@code status}; stored in lower case.
     *
     * @param value e.g. {@code ready}, {@code offline}, {@code terminated}
     * @return this builder
     */
    public Builder status(String value) {
      this.status = nonBlank(value, "status").toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * {@code worker_port}.
     *
     * @param value 1..65535
     * @return this builder
     */
    public Builder workerPort(int value) {
      this.workerPort = port(value);
      return this;
    }

    /**
     * {@code p2p_port}.
     *
     * @param value 1..65535
     * @return this builder
     */
    public Builder p2pPort(int value) {
      this.p2pPort = port(value);
      return this;
    }

    /**
     * {@code p2p_enabled}.
     *
     * @param value whether the host runs the P2P service
     * @return this builder
     */
    public Builder p2pEnabled(boolean value) {
      this.p2pEnabled = value;
      return this;
    }

    /**
     * {@code is_ephemeral}.
     *
     * @param value whether the host's disk may vanish
     * @return this builder
     */
    public Builder ephemeral(boolean value) {
      this.ephemeral = value;
      return this;
    }

    /**
     * {@code storage_type}; {@code ram} and {@code ephemeral} also mark the host ephemeral.
     *
     * @param value e.g. {@code persistent}, {@code nfs}, {@code ssd}, {@code ram}
     * @return this builder
     */
    public Builder storageType(String value) {
      this.storageType = nonBlank(value, "storage_type").toLowerCase(Locale.ROOT);
      if (storageType.equals("ram") || storageType.equals("ephemeral")) {
        this.ephemeral = true;
      }
      return this;
    }

    /**
     * {@code cloudflare_tunnel} with its optional service token.
     *
     * @param hostname the tunnel hostname
     * @param tokenId {@code cloudflare_service_token_id}, or {@code null}
     * @param tokenSecret {@code cloudflare_service_token_secret}, or {@code null}; never logged
     * @return this builder
     */
    public Builder cloudflareTunnel(
        String hostname, @Nullable String tokenId, @Nullable String tokenSecret) {
      if ((tokenId == null) != (tokenSecret == null)) {
        throw new IllegalArgumentException(
            "cloudflare_service_token_id and cloudflare_service_token_secret go together");
      }
      this.cloudflareTunnel = nonBlank(hostname, "cloudflare_tunnel");
      this.cloudflareTokenId = tokenId;
      this.cloudflareTokenSecret = tokenSecret;
      return this;
    }

    /**
     * Keeps a raw key of the host's YAML entry (known or not).
     *
     * @param key the YAML key
     * @param value its value as read
     * @return this builder
     */
    public Builder property(String key, Object value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the host.
     *
     * @return an immutable host
     */
    public HostConfig build() {
      return new HostConfig(this);
    }

    private static String nonBlank(String value, String key) {
      Objects.requireNonNull(value, key);
      if (value.isBlank()) {
        throw new IllegalArgumentException("must not be blank");
      }
      return value.strip();
    }

    private static int port(int value) {
      if (value < 1 || value > 65535) {
        throw new IllegalArgumentException("must be a port 1..65535, was " + value);
      }
      return value;
    }

    private static int positive(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("must be positive, was " + value);
      }
      return value;
    }
  }
}
