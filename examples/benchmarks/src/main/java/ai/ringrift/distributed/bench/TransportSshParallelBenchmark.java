package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.testkit.SshTestHost;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.ssh.HostCommandResult;
import ai.ringrift.distributed.transport.ssh.SshExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ssh-parallel}: {@link SshExecutor#runParallel} of {@code true} to 32 hosts (32 host
 * entries for one loopback sshd) against 32 sequential {@code ssh} invocations with the same key
 * and known_hosts. "Cold" builds a new executor each round, so it pays for its connections; "warm"
 * reuses the pooled connections of the previous round.
 */
public final class TransportSshParallelBenchmark implements Benchmark {
  private static final int HOSTS = 32;

  @Override
  public String name() {
    return "ssh-parallel";
  }

  @Override
  public String description() {
    return "SshExecutor.runParallel(true) to 32 sessions vs 32 sequential ssh invocations";
  }

  @Override
  public BenchReport run(BenchContext context) throws Exception {
    int rounds = context.quick() ? 2 : 5;
    try (SshTestHost sshd = SshTestHost.start()) {
      List<RemoteHost> hosts = new ArrayList<>();
      for (int i = 0; i < HOSTS; i++) {
        hosts.add(
            RemoteHost.builder("node-" + i)
                .sshHost(sshd.host())
                .sshPort(sshd.port())
                .sshUser(sshd.user())
                .sshKey(sshd.userKey())
                .build());
      }
      double[] cold = new double[rounds];
      double[] warm = new double[rounds];
      double[] plain = new double[rounds];
      sequentialSsh(sshd); // warm the OS caches for ssh
      for (int r = 0; r < rounds; r++) {
        try (SshExecutor ssh = SshExecutor.builder().knownHosts(sshd.knownHosts()).build()) {
          cold[r] = timeParallel(ssh, hosts);
          warm[r] = timeParallel(ssh, hosts);
        }
        plain[r] = sequentialSsh(sshd);
      }
      return new BenchReport(name())
          .add(
              new BenchReport.Row(
                  "32x true, new executor (connects)",
                  "ms",
                  TransportRsyncPushBenchmark.median(cold),
                  "32 sequential ssh",
                  TransportRsyncPushBenchmark.median(plain),
                  false,
                  null))
          .add(
              new BenchReport.Row(
                  "32x true, pooled connections",
                  "ms",
                  TransportRsyncPushBenchmark.median(warm),
                  "32 sequential ssh",
                  TransportRsyncPushBenchmark.median(plain),
                  false,
                  null))
          .note("rounds", rounds)
          .note("sessions", HOSTS)
          .note("connections", "pooled per target, 8 channels each (4 connections for 32)");
    }
  }

  private static double timeParallel(SshExecutor ssh, List<RemoteHost> hosts) throws Exception {
    long t0 = System.nanoTime();
    List<HostCommandResult> results = ssh.runParallel(hosts, "true").get(2, TimeUnit.MINUTES);
    double ms = (System.nanoTime() - t0) / 1e6;
    for (HostCommandResult r : results) {
      if (!r.isSuccess()) {
        throw new IllegalStateException("runParallel failed on " + r.host() + ": " + r.error());
      }
    }
    return ms;
  }

  private static double sequentialSsh(SshTestHost sshd) throws Exception {
    List<String> cmd = new ArrayList<>(sshd.sshCommand());
    cmd.add(1, "-F");
    cmd.add(2, "/dev/null");
    cmd.add("true");
    long t0 = System.nanoTime();
    for (int i = 0; i < HOSTS; i++) {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("ssh failed: " + cmd);
      }
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
