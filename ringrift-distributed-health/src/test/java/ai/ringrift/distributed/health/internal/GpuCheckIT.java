package ai.ringrift.distributed.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthChecker;
import ai.ringrift.distributed.health.HealthChecks;
import ai.ringrift.distributed.health.HealthStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a fake {@code nvidia-smi} (a shell script) as a real process. */
class GpuCheckIT {
  @TempDir Path dir;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws Exception {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    // Kill anything a failed test left behind (our scripts record their PIDs).
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(p).trim()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private Path script(String name, String body) throws Exception {
    Path s = dir.resolve(name);
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }

  private static boolean alive(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  @DisplayName("runs nvidia-smi with the CSV query and parses its output")
  void parsesRealProcessOutput() throws Exception {
    Path sample = dir.resolve("sample.csv");
    Files.writeString(sample, GpuCheckTest.resource("h100x8-selfplay.csv"));
    Path args = dir.resolve("args.txt");
    Path smi = script("nvidia-smi", "printf '%s\\n' \"$@\" > '" + args + "'\ncat '" + sample + "'");
    HealthCheckConfig config = HealthCheckConfig.builder().nvidiaSmi(smi.toString()).build();
    ComponentHealth h = GpuCheck.run(config, executor).get(30, TimeUnit.SECONDS);
    assertThat(h.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.metrics()).containsEntry("gpu_count", 8);
    assertThat(Files.readAllLines(args)).isEqualTo(GpuCheck.QUERY);
  }

  @Test
  @DisplayName("a driver failure exit is unhealthy with nvidia-smi's message")
  void driverFailure() throws Exception {
    Path smi =
        script(
            "nvidia-smi",
            "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\""
                + "\nexit 9");
    HealthCheckConfig config = HealthCheckConfig.builder().nvidiaSmi(smi.toString()).build();
    ComponentHealth h = GpuCheck.run(config, executor).get(30, TimeUnit.SECONDS);
    assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.message()).startsWith("nvidia-smi exited with 9: NVIDIA-SMI has failed");
  }

  @Test
  @DisplayName("a hanging nvidia-smi is killed, with its children, at the GPU timeout")
  void hangingProcessKilled() throws Exception {
    Path pid = dir.resolve("smi.pid");
    Path child = dir.resolve("child.pid");
    Path smi =
        script(
            "nvidia-smi", "echo $$ > '" + pid + "'\nsleep 600 &\necho $! > '" + child + "'\nwait");
    HealthCheckConfig config =
        HealthCheckConfig.builder()
            .nvidiaSmi(smi.toString())
            .gpuTimeout(Duration.ofSeconds(2))
            .build();
    ComponentHealth h = GpuCheck.run(config, executor).get(30, TimeUnit.SECONDS);
    assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.message()).isEqualTo("nvidia-smi did not answer within 2 s (killed)");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(child));
    await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid) && !alive(child));
  }

  @Test
  @DisplayName("the checker's timeout cancels the GPU check and kills the process")
  void checkerTimeoutKills() throws Exception {
    Path pid = dir.resolve("smi2.pid");
    Path smi = script("nvidia-smi", "echo $$ > '" + pid + "'\nexec sleep 600");
    HealthCheckConfig config =
        HealthCheckConfig.builder()
            .nvidiaSmi(smi.toString())
            .gpuTimeout(Duration.ofMinutes(10))
            .build();
    try (HealthChecker checker = HealthChecker.builder().executor(executor).build()) {
      checker.addCheck("gpu", HealthChecks.gpu(config), Duration.ofSeconds(2));
      ComponentHealth h = checker.runCheck("gpu").get(30, TimeUnit.SECONDS);
      assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(h.message()).isEqualTo("timed out after 2 s");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pid) && !alive(pid));
  }
}
