package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU memory and utilisation via {@code nvidia-smi --query-gpu=index,name,memory.used,memory.total,
 * utilization.gpu --format=csv,noheader,nounits}. The process runs on the given executor; it is
 * killed (with its descendants) when it outlives the GPU timeout or the check is cancelled.
 */
public final class GpuCheck {
  private static final Logger LOG = LoggerFactory.getLogger(GpuCheck.class);

  /** The arguments given to nvidia-smi. */
  public static final List<String> QUERY =
      List.of(
          "--query-gpu=index,name,memory.used,memory.total,utilization.gpu",
          "--format=csv,noheader,nounits");

  /**
   * One GPU as nvidia-smi reports it; a field it could not read ({@code [N/A]}, {@code [Not
   * Supported]}) is -1.
   *
   * @param index the GPU index
   * @param name the product name
   * @param memoryUsedMib memory in use, MiB
   * @param memoryTotalMib memory in total, MiB
   * @param utilizationPercent GPU utilisation, percent
   */
  public record Gpu(
      int index, String name, long memoryUsedMib, long memoryTotalMib, int utilizationPercent) {

    /**
     * Memory in use as a percentage.
     *
     * @return the percentage, or -1 if unknown
     */
    public double memoryUsedPercent() {
      return memoryUsedMib < 0 || memoryTotalMib <= 0 ? -1 : 100.0 * memoryUsedMib / memoryTotalMib;
    }
  }

  private GpuCheck() {}

  /**
   * Parses nvidia-smi's CSV output.
   *
   * @param csv the output (one GPU per line)
   * @return the GPUs
   * @throws IllegalArgumentException if a line is not the expected five fields
   */
  public static List<Gpu> parse(String csv) {
    List<Gpu> gpus = new ArrayList<>();
    for (String raw : csv.split("\\R", -1)) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 5) {
        throw new IllegalArgumentException(
            "unexpected nvidia-smi line (want 5 comma-separated fields): '" + line + "'");
      }
      // The product name never contains a comma in practice, and the split above requires it.
      gpus.add(
          new Gpu(
              (int) number(f[0], line),
              f[1].strip(),
              number(f[2], line),
              number(f[3], line),
              (int) number(f[4], line)));
    }
    return gpus;
  }

  private static long number(String field, String line) {
    String v = field.strip();
    if (v.startsWith("[") || v.equalsIgnoreCase("N/A")) {
      return -1; // [N/A], [Not Supported], [Unknown Error]
    }
    try {
      return Math.round(Double.parseDouble(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "unexpected nvidia-smi field '" + v + "' in line '" + line + "'", e);
    }
  }

  /**
   * Judges parsed GPUs.
   *
   * @param gpus the GPUs
   * @param degradedMemoryPercent memory use at which a GPU is degraded
   * @return the result, with every GPU in the metrics
   */
  public static ComponentHealth evaluate(List<Gpu> gpus, double degradedMemoryPercent) {
    if (gpus.isEmpty()) {
      return ComponentHealth.of(
          HealthStatus.HEALTHY, "no GPU (nvidia-smi lists none)", Map.of("gpu_count", 0));
    }
    HealthStatus status = HealthStatus.HEALTHY;
    List<String> parts = new ArrayList<>();
    List<Map<String, Object>> list = new ArrayList<>();
    for (Gpu g : gpus) {
      double pct = g.memoryUsedPercent();
      if (pct >= degradedMemoryPercent) {
        status = HealthStatus.DEGRADED;
      }
      parts.add(
          String.format(
              Locale.ROOT,
              "GPU %d %s: %s memory, %s util",
              g.index(),
              g.name(),
              pct < 0 ? "?" : String.format(Locale.ROOT, "%.0f%%", pct),
              g.utilizationPercent() < 0 ? "?" : g.utilizationPercent() + "%"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", g.index());
      m.put("name", g.name());
      m.put("memory_used_mib", g.memoryUsedMib());
      m.put("memory_total_mib", g.memoryTotalMib());
      m.put("memory_used_percent", SystemChecks.round(pct));
      m.put("utilization_percent", g.utilizationPercent());
      list.add(m);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("gpu_count", gpus.size());
    metrics.put("gpus", list);
    return ComponentHealth.of(status, String.join("; ", parts), metrics);
  }

  /**
   * Judges a finished nvidia-smi run.
   *
   * @param exitCode its exit code
   * @param output its standard output and error
   * @param degradedMemoryPercent memory use at which a GPU is degraded
   * @return the result
   */
  public static ComponentHealth evaluateRun(
      int exitCode, String output, double degradedMemoryPercent) {
    String firstLine = output.strip().lines().findFirst().orElse("");
    if (output.contains("No devices were found")) {
      return ComponentHealth.of(
          HealthStatus.HEALTHY,
          "no GPU (nvidia-smi: No devices were found)",
          Map.of("gpu_count", 0));
    }
    if (exitCode != 0) {
      return ComponentHealth.of(
          HealthStatus.UNHEALTHY,
          "nvidia-smi exited with " + exitCode + ": " + firstLine,
          Map.of("exit_code", exitCode));
    }
    try {
      return evaluate(parse(output), degradedMemoryPercent);
    } catch (IllegalArgumentException e) {
      return ComponentHealth.unhealthy("cannot parse nvidia-smi output: " + e.getMessage());
    }
  }

  /**
   * Runs nvidia-smi on {@code executor}.
   *
   * @param config command, timeout and threshold
   * @param executor where to wait for the process
   * @return the result; cancelling it kills the process
   */
  public static CompletableFuture<ComponentHealth> run(
      HealthCheckConfig config, Executor executor) {
    CompletableFuture<ComponentHealth> result = new CompletableFuture<>();
    AtomicReference<@Nullable Process> running = new AtomicReference<>();
    result.whenComplete(
        (v, e) -> {
          Process p = running.get();
          if (p != null && p.isAlive()) {
            kill(p);
          }
        });
    executor.execute(
        () -> {
          if (result.isDone()) {
            return;
          }
          List<String> cmd = new ArrayList<>();
          cmd.add(config.nvidiaSmi());
          cmd.addAll(QUERY);
          Process p;
          try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
          } catch (IOException e) {
            result.complete(
                ComponentHealth.of(
                    HealthStatus.HEALTHY,
                    "no GPU: " + config.nvidiaSmi() + " not found",
                    Map.of("gpu_count", 0)));
            return;
          }
          running.set(p);
          if (result.isDone()) {
            kill(p);
            return;
          }
          try {
            p.getOutputStream().close();
            if (!p.waitFor(config.gpuTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
              kill(p);
              result.complete(
                  ComponentHealth.of(
                      HealthStatus.UNHEALTHY,
                      "nvidia-smi did not answer within "
                          + DefaultCircuitBreaker.seconds(config.gpuTimeout())
                          + " (killed)",
                      Map.of("pid", p.pid())));
              return;
            }
            String out;
            try (InputStream in = p.getInputStream()) {
              out = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
            result.complete(evaluateRun(p.exitValue(), out, config.gpuMemoryDegradedPercent()));
          } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            result.complete(ComponentHealth.unhealthy("interrupted while running nvidia-smi"));
          } catch (IOException e) {
            kill(p);
            result.complete(
                ComponentHealth.unhealthy("cannot read nvidia-smi output: " + e.getMessage()));
          }
        });
    return result;
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    LOG.debug("killed nvidia-smi (pid {})", p.pid());
  }
}
