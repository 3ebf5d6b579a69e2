package ai.ringrift.distributed.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Transport} copies, and how. Immutable; built with {@link #builder(Path, String)}.
 */
public final class TransferRequest {
  /** The time limit used when none is set: 300 s, as {@code RINGRIFT_SYNC_TIMEOUT} defaults. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

  private final Path localPath;
  private final String remotePath;
  private final List<String> includes;
  private final List<String> excludes;
  private final boolean deleteExtraneous;
  private final long bandwidthLimitBytesPerSecond;
  private final Duration timeout;
  private final @Nullable String expectedSha256;
  private final TransferListener listener;
  private final boolean sqliteSnapshot;

  private TransferRequest(Builder b) {
    this.localPath = b.localPath;
    this.remotePath = b.remotePath;
    this.includes = List.copyOf(b.includes);
    this.excludes = List.copyOf(b.excludes);
    this.deleteExtraneous = b.deleteExtraneous;
    this.bandwidthLimitBytesPerSecond = b.bandwidthLimit;
    this.timeout = b.timeout;
    this.expectedSha256 = b.expectedSha256;
    this.listener = b.listener;
    this.sqliteSnapshot = b.sqliteSnapshot;
  }

  /**
   * Starts a request between a local path and a path on the remote host.
   *
   * @param localPath the local file or directory
   * @param remotePath the path on the remote host (absolute, or relative to the login directory for
   *     SSH transports, or to a category root for HTTP)
   * @return a builder
   */
  public static Builder builder(Path localPath, String remotePath) {
    return new Builder(localPath, remotePath);
  }

  /**
   * @return the local file or directory
   */
  public Path localPath() {
    return localPath;
  }

  /**
   * @return the path on the remote host
   */
  public String remotePath() {
    return remotePath;
  }

  /**
   * @return glob patterns of files to include (empty: everything), rsync semantics
   */
  public List<String> includes() {
    return includes;
  }

  /**
   * @return glob patterns of files to exclude, rsync semantics
   */
  public List<String> excludes() {
    return excludes;
  }

  /**
   * @return whether files at the destination that the source lacks are deleted (default no)
   */
  public boolean deleteExtraneous() {
    return deleteExtraneous;
  }

  /**
   * @return the bandwidth cap in bytes per second, if any
   */
  public OptionalLong bandwidthLimitBytesPerSecond() {
    return bandwidthLimitBytesPerSecond > 0
        ? OptionalLong.of(bandwidthLimitBytesPerSecond)
        : OptionalLong.empty();
  }

  /**
   * @return the time limit for the whole transfer
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * @return the SHA-256 (64 lower-case hex digits) a single-file transfer must match, if any
   */
  public Optional<String> expectedSha256() {
    return Optional.ofNullable(expectedSha256);
  }

  /**
   * @return the progress listener (a no-op unless set)
   */
  public TransferListener listener() {
    return listener;
  }

  /**
   * Whether the caller vouches that the SQLite database files this request copies are snapshots
   * (made with the SQLite backup API or {@code VACUUM INTO}) that no process writes. Without it a
   * transport refuses to copy database files; with it, it still refuses a database that has a
   * {@code -wal} or {@code -journal} beside it, and those side files themselves.
   *
   * @return whether database files may be copied (default false)
   */
  public boolean sqliteSnapshot() {
    return sqliteSnapshot;
  }

  @Override
  public String toString() {
    return "TransferRequest{local="
        + localPath
        + " remote="
        + remotePath
        + (includes.isEmpty() ? "" : " includes=" + includes)
        + (excludes.isEmpty() ? "" : " excludes=" + excludes)
        + (deleteExtraneous ? " delete" : "")
        + " timeout="
        + timeout
        + "}";
  }

  /** Builds a {@link TransferRequest}; each setter validates its value. */
  public static final class Builder {
    private final Path localPath;
    private final String remotePath;
    private final List<String> includes = new ArrayList<>();
    private final List<String> excludes = new ArrayList<>();
    private boolean deleteExtraneous;
    private long bandwidthLimit;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable String expectedSha256;
    private TransferListener listener = TransferListener.NONE;
    private boolean sqliteSnapshot;

    private Builder(Path localPath, String remotePath) {
      this.localPath = Objects.requireNonNull(localPath, "localPath");
      Objects.requireNonNull(remotePath, "remotePath");
      if (remotePath.isBlank()) {
        throw new IllegalArgumentException("remotePath must not be blank");
      }
      this.remotePath = remotePath;
    }

    /**
     * Adds a glob of files to include.
     *
     * @param pattern an rsync-style pattern, e.g. {@code *.npz}
     * @return this builder
     */
    public Builder include(String pattern) {
      includes.add(requirePattern(pattern));
      return this;
    }

    /**
     * Adds a glob of files to exclude.
     *
     * @param pattern an rsync-style pattern, e.g. {@code *.tmp}
     * @return this builder
     */
    public Builder exclude(String pattern) {
      excludes.add(requirePattern(pattern));
      return this;
    }

    /**
     * Delete files at the destination that the source lacks. Off by default: the Python cluster
     * lost 49 GB and 89 GB of backups to an unasked {@code --delete}.
     *
     * @param delete whether to delete
     * @return this builder
     */
    public Builder deleteExtraneous(boolean delete) {
      this.deleteExtraneous = delete;
      return this;
    }

    /**
     * Caps the transfer's bandwidth.
     *
     * @param bytesPerSecond a positive rate
     * @return this builder
     */
    public Builder bandwidthLimit(long bytesPerSecond) {
      if (bytesPerSecond <= 0) {
        throw new IllegalArgumentException(
            "bandwidth limit must be positive, was " + bytesPerSecond);
      }
      this.bandwidthLimit = bytesPerSecond;
      return this;
    }

    /**
     * The time limit for the whole transfer.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The SHA-256 a single-file transfer must match before it is installed.
     *
     * @param sha256 64 hex digits
     * @return this builder
     */
    public Builder expectedSha256(String sha256) {
      Objects.requireNonNull(sha256, "sha256");
      if (!sha256.matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("not a SHA-256 (64 hex digits): '" + sha256 + "'");
      }
      this.expectedSha256 = sha256.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /**
     * Receives progress events. Called from the transport's threads; it must be fast and not throw
     * (a throwing listener is logged and ignored).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(TransferListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Vouches that the SQLite database files of this request are snapshots that no process writes;
     * see {@link TransferRequest#sqliteSnapshot()}. Games move as games: a live selfplay database
     * is never copied as a file.
     *
     * @param snapshot whether database files may be copied
     * @return this builder
     */
    public Builder sqliteSnapshot(boolean snapshot) {
      this.sqliteSnapshot = snapshot;
      return this;
    }

    /**
     * Builds the request.
     *
     * @return an immutable request
     */
    public TransferRequest build() {
      return new TransferRequest(this);
    }

    private static String requirePattern(String pattern) {
      Objects.requireNonNull(pattern, "pattern");
      if (pattern.isBlank()) {
        throw new IllegalArgumentException("pattern must not be blank");
      }
      return pattern;
    }
  }
}
