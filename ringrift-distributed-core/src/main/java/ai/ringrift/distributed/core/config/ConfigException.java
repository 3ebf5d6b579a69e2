package ai.ringrift.distributed.core.config;

import ai.ringrift.distributed.core.SyncException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A configuration that cannot be used: a missing or unreadable file, malformed YAML, or a bad
 * value. The message starts with where ({@code file:line:column}) and the key path ({@code
 * hosts.gpu-node-1.ssh_port}), then says what was expected and what was found.
 */
public final class ConfigException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String keyPath;

  /**
   * Creates an exception.
   *
   * @param message the full message, location and key path included
   * @param keyPath the key path of the bad value, or {@code null} when the whole file is bad
   * @param cause the underlying failure, if any
   */
  public ConfigException(String message, @Nullable String keyPath, @Nullable Throwable cause) {
    super(message, cause);
    this.keyPath = keyPath;
  }

  /**
   * The key path of the bad value, e.g. {@code hosts.gpu-node-1.ssh_port}.
   *
   * @return the key path, empty when the whole file is bad
   */
  public Optional<String> keyPath() {
    return Optional.ofNullable(keyPath);
  }
}
