package ai.ringrift.distributed.transport.ssh;

import java.time.Duration;

/**
 * What a remote command did. Output beyond the executor's capture limit is dropped, and the
 * corresponding {@code truncated} flag says so.
 *
 * @param host the host's name
 * @param command the command as sent
 * @param exitCode the command's exit status; {@code -1} if it was killed by a signal or the server
 *     sent no status
 * @param stdout standard output (UTF-8, possibly truncated)
 * @param stderr standard error (UTF-8, possibly truncated)
 * @param duration from the start of the attempt (connection included) to the channel's close
 * @param stdoutTruncated whether stdout was cut at the capture limit
 * @param stderrTruncated whether stderr was cut at the capture limit
 */
public record CommandResult(
    String host,
    String command,
    int exitCode,
    String stdout,
    String stderr,
    Duration duration,
    boolean stdoutTruncated,
    boolean stderrTruncated) {

  /**
   * Whether the command exited with status 0.
   *
   * @return {@code exitCode() == 0}
   */
  public boolean isSuccess() {
    return exitCode == 0;
  }

  @Override
  public String toString() {
    return "CommandResult{host="
        + host
        + " exit="
        + exitCode
        + " stdout="
        + stdout.length()
        + (stdoutTruncated ? "+truncated" : "")
        + " chars stderr="
        + stderr.length()
        + (stderrTruncated ? "+truncated" : "")
        + " chars in "
        + duration
        + "}";
  }
}
