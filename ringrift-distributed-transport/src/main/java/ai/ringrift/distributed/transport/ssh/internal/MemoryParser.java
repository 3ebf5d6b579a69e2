package ai.ringrift.distributed.transport.ssh.internal;

import ai.ringrift.distributed.transport.ssh.GpuMemory;
import ai.ringrift.distributed.transport.ssh.HostMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code /proc/meminfo} and {@code nvidia-smi --query-gpu=name,memory.total,memory.used
 * --format=csv,noheader,nounits}.
 */
public final class MemoryParser {
  /** Separates the two outputs in the remote command's stdout. */
  public static final String SEPARATOR = "--- nvidia-smi ---";

  /** The nvidia-smi query, as the Python module ran it. */
  public static final String NVIDIA_SMI =
      "nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv,noheader,nounits";

  /** One shell command printing meminfo, the separator, and the GPUs when nvidia-smi exists. */
  public static final String REMOTE_COMMAND =
      "cat /proc/meminfo; echo '"
          + SEPARATOR
          + "'; if command -v nvidia-smi >/dev/null 2>&1; then "
          + NVIDIA_SMI
          + " 2>/dev/null || true; fi";

  private MemoryParser() {}

  /**
   * Parses the remote command's output.
   *
   * @param host the host's name
   * @param output stdout of {@link #REMOTE_COMMAND}
   * @return the memory
   * @throws IllegalArgumentException if there is no {@code MemTotal} line
   */
  public static HostMemory parse(String host, String output) {
    int sep = output.indexOf(SEPARATOR);
    String meminfo = sep >= 0 ? output.substring(0, sep) : output;
    String gpus = sep >= 0 ? output.substring(sep + SEPARATOR.length()) : "";
    return parse(host, meminfo, gpus);
  }

  /**
   * Parses the two outputs.
   *
   * @param host the host's name
   * @param meminfo the contents of {@code /proc/meminfo}
   * @param nvidiaSmi the output of {@link #NVIDIA_SMI}, empty without GPUs
   * @return the memory
   * @throws IllegalArgumentException if there is no {@code MemTotal} line
   */
  public static HostMemory parse(String host, String meminfo, String nvidiaSmi) {
    long totalKb = -1;
    long availableKb = -1;
    long freeKb = 0;
    long buffersKb = 0;
    long cachedKb = 0;
    for (String line : meminfo.split("\n")) {
      String[] f = line.trim().split("[:\\s]+");
      if (f.length < 2) {
        continue;
      }
      long kb = parseLong(f[1], -1);
      switch (f[0]) {
        case "MemTotal" -> totalKb = kb;
        case "MemAvailable" -> availableKb = kb;
        case "MemFree" -> freeKb = kb;
        case "Buffers" -> buffersKb = kb;
        case "Cached" -> cachedKb = kb;
        default -> {
          // not needed
        }
      }
    }
    if (totalKb < 0) {
      throw new IllegalArgumentException(
          "no MemTotal line in /proc/meminfo of host " + host + ": '" + abbreviate(meminfo) + "'");
    }
    if (availableKb < 0) {
      // Kernels before 3.14 have no MemAvailable; free + buffers + cache is the old estimate.
      availableKb = freeKb + buffersKb + cachedKb;
    }
    return new HostMemory(
        host, totalKb / (1024.0 * 1024.0), availableKb / (1024.0 * 1024.0), parseGpus(nvidiaSmi));
  }

  static List<GpuMemory> parseGpus(String csv) {
    List<GpuMemory> out = new ArrayList<>();
    for (String line : csv.split("\n")) {
      String[] f = line.split(",");
      if (f.length < 3) {
        continue;
      }
      long total = parseLong(f[f.length - 2].trim(), -1);
      long used = parseLong(f[f.length - 1].trim(), -1);
      if (total < 0) {
        continue; // "[N/A]" or an error line
      }
      String name = String.join(",", java.util.Arrays.copyOf(f, f.length - 2)).trim();
      out.add(new GpuMemory(out.size(), name, total, Math.max(used, 0)));
    }
    return out;
  }

  private static long parseLong(String s, long dflt) {
    try {
      return Long.parseLong(s.trim().toLowerCase(Locale.ROOT).replace("kb", "").trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
