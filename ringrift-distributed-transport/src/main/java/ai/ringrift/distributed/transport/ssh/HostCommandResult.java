package ai.ringrift.distributed.transport.ssh;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a command on one host of {@link SshExecutor#runParallel}: either a result
 * (whatever the exit code) or the failure that prevented one.
 *
 * @param host the host's name
 * @param result the command's result, or {@code null} if it failed to run
 * @param error why the command did not run to completion, or {@code null} if it did
 */
public record HostCommandResult(
    String host, @Nullable CommandResult result, @Nullable SshException error) {

  /**
   * The result, if the command ran.
   *
   * @return the result
   */
  public Optional<CommandResult> resultIfPresent() {
    return Optional.ofNullable(result);
  }

  /**
   * Whether the command ran and exited with 0.
   *
   * @return true on exit code 0
   */
  public boolean isSuccess() {
    return result != null && result.isSuccess();
  }
}
