package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthStatus;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** Disk, memory and CPU checks: plain blocking functions, run by the checker on its executor. */
public final class SystemChecks {
  private static final double GB = 1024.0 * 1024 * 1024;

  private SystemChecks() {}

  /**
   * Measures the file system of each data directory (of its nearest existing ancestor if the
   * directory does not exist yet).
   *
   * @param config thresholds and directories
   * @return the worst directory's status, with every directory in the metrics
   */
  public static ComponentHealth disk(HealthCheckConfig config) {
    HealthStatus worst = HealthStatus.HEALTHY;
    List<String> parts = new ArrayList<>();
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (Path dir : config.dataDirectories()) {
      Path measured = nearestExisting(dir.toAbsolutePath());
      if (measured == null) {
        worst = HealthStatus.UNHEALTHY;
        parts.add(dir + ": no existing ancestor");
        continue;
      }
      try {
        FileStore store = Files.getFileStore(measured);
        long total = store.getTotalSpace();
        long usable = store.getUsableSpace();
        double usedPct = total <= 0 ? 0 : 100.0 * (total - usable) / total;
        HealthStatus s =
            level(usedPct, config.diskDegradedPercent(), config.diskUnhealthyPercent());
        worst = worse(worst, s);
        parts.add(
            String.format(Locale.ROOT, "%s: %.1f%% used, %.1f GB free", dir, usedPct, usable / GB));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", measured.toString());
        m.put("used_percent", round(usedPct));
        m.put("free_bytes", usable);
        m.put("total_bytes", total);
        metrics.put(dir.toString(), m);
      } catch (IOException e) {
        worst = HealthStatus.UNHEALTHY;
        parts.add(dir + ": cannot read file system: " + e.getMessage());
      }
    }
    return ComponentHealth.of(worst, String.join("; ", parts), metrics);
  }

  private static @Nullable Path nearestExisting(Path p) {
    Path cur = p;
    while (cur != null && !Files.exists(cur)) {
      cur = cur.getParent();
    }
    return cur;
  }

  /**
   * Reads {@code meminfo} under the configured proc root.
   *
   * @param config thresholds and proc root
   * @return memory use against the thresholds; {@code UNKNOWN} where there is no meminfo
   */
  public static ComponentHealth memory(HealthCheckConfig config) {
    Path meminfo = config.procRoot().resolve("meminfo");
    if (!Files.isReadable(meminfo)) {
      return ComponentHealth.of(
          HealthStatus.UNKNOWN, "no " + meminfo + " on this system", Map.of());
    }
    String text;
    try {
      text = Files.readString(meminfo);
    } catch (IOException e) {
      return ComponentHealth.unhealthy("cannot read " + meminfo + ": " + e.getMessage());
    }
    OptionalLong total = meminfoKb(text, "MemTotal");
    OptionalLong available = meminfoKb(text, "MemAvailable");
    if (total.isEmpty() || available.isEmpty() || total.getAsLong() == 0) {
      return ComponentHealth.of(
          HealthStatus.UNKNOWN, meminfo + " has no MemTotal/MemAvailable", Map.of());
    }
    long t = total.getAsLong() * 1024;
    long a = available.getAsLong() * 1024;
    double usedPct = 100.0 * (t - a) / t;
    HealthStatus s =
        level(usedPct, config.memoryDegradedPercent(), config.memoryUnhealthyPercent());
    return ComponentHealth.of(
        s,
        String.format(
            Locale.ROOT, "%.1f%% used, %.1f of %.1f GB available", usedPct, a / GB, t / GB),
        Map.of("used_percent", round(usedPct), "available_bytes", a, "total_bytes", t));
  }

  /**
   * Extracts a {@code kB} field of {@code /proc/meminfo}.
   *
   * @param meminfo the file's text
   * @param key e.g. {@code MemAvailable}
   * @return the value in kB, if present
   */
  public static OptionalLong meminfoKb(String meminfo, String key) {
    for (String line : meminfo.split("\n", -1)) {
      if (line.startsWith(key + ":")) {
        String[] f = line.substring(key.length() + 1).trim().split("\\s+", -1);
        try {
          return OptionalLong.of(Long.parseLong(f[0]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Reads the 1-minute load average from {@code loadavg} and divides it by the core count.
   *
   * @param config thresholds and proc root
   * @param cores the number of cores
   * @return load per core against the thresholds; {@code UNKNOWN} where there is no loadavg
   */
  public static ComponentHealth cpu(HealthCheckConfig config, int cores) {
    Path loadavg = config.procRoot().resolve("loadavg");
    double load;
    if (Files.isReadable(loadavg)) {
      try {
        load = Double.parseDouble(Files.readString(loadavg).trim().split("\\s+", -1)[0]);
      } catch (IOException | NumberFormatException e) {
        return ComponentHealth.unhealthy("cannot read " + loadavg + ": " + e.getMessage());
      }
    } else {
      load =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      if (load < 0) {
        return ComponentHealth.of(
            HealthStatus.UNKNOWN, "no load average on this system", Map.of("cores", cores));
      }
    }
    double perCore = load / Math.max(1, cores);
    HealthStatus s = level(perCore, config.loadDegradedPerCore(), config.loadUnhealthyPerCore());
    return ComponentHealth.of(
        s,
        String.format(Locale.ROOT, "load %.2f on %d cores (%.2f per core)", load, cores, perCore),
        Map.of("load_1m", load, "cores", cores, "load_per_core", round(perCore)));
  }

  static HealthStatus level(double value, double degradedAt, double unhealthyAt) {
    if (value >= unhealthyAt) {
      return HealthStatus.UNHEALTHY;
    }
    if (value >= degradedAt) {
      return HealthStatus.DEGRADED;
    }
    return HealthStatus.HEALTHY;
  }

  static HealthStatus worse(HealthStatus a, HealthStatus b) {
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(HealthStatus s) {
    switch (s) {
      case UNHEALTHY:
        return 3;
      case DEGRADED:
        return 2;
      case UNKNOWN:
        return 1;
      case HEALTHY:
      default:
        return 0;
    }
  }

  static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
