package ai.ringrift.distributed.transport.rsync.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process started in its own process group (through {@code setsid}, which execs in place
 * since a JVM's child is not a group leader, so the PID is the group id), so that rsync and the ssh
 * it spawns can be signalled together.
 */
public final class ProcessGroup {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessGroup.class);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path KILL = Path.of("/bin/kill");

  private final Process process;
  private final boolean ownGroup;

  private ProcessGroup(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /**
   * Starts {@code argv} in a new process group.
   *
   * @param argv the command
   * @param env variables to add to the inherited environment
   * @return the running group
   * @throws IOException if the process cannot start
   */
  public static ProcessGroup start(List<String> argv, Map<String, String> env) throws IOException {
    boolean setsid = Files.isExecutable(SETSID);
    List<String> cmd = new ArrayList<>();
    if (setsid) {
      cmd.add(SETSID.toString());
    }
    cmd.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return new ProcessGroup(pb.start(), setsid);
  }

  /**
   * @return the process (the group leader)
   */
  public Process process() {
    return process;
  }

  /**
   * @return the leader's PID, which is the group id
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Stops the whole group: SIGTERM first (rsync then moves a partial file to its partial directory
   * for a later resume), SIGKILL for whatever is left after {@code graceMillis}. Blocks at most
   * about {@code graceMillis} plus a second.
   *
   * @param graceMillis how long to wait between SIGTERM and SIGKILL
   */
  public void stop(long graceMillis) {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    signal("TERM");
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        signal("KILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      signal("KILL");
    }
    // Children that escaped the group (or without setsid) go the hard way.
    process.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String sig) {
    if (!ownGroup || !process.isAlive()) {
      if (sig.equals("KILL")) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      return;
    }
    try {
      Process k =
          new ProcessBuilder(KILL.toString(), "-" + sig, "--", "-" + process.pid())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      k.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.debug("kill -{} -{} failed: {}", sig, process.pid(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
