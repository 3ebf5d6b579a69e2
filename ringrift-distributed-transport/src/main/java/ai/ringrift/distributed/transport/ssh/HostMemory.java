package ai.ringrift.distributed.transport.ssh;

import java.util.List;

/**
 * A host's memory: CPU RAM from {@code /proc/meminfo} and each GPU from {@code nvidia-smi} (empty
 * when the host has none or no driver).
 *
 * @param host the host's name ({@code local} for this machine)
 * @param cpuTotalGb {@code MemTotal} in GiB
 * @param cpuAvailableGb {@code MemAvailable} in GiB
 * @param gpus the GPUs, in {@code nvidia-smi} order
 */
public record HostMemory(
    String host, double cpuTotalGb, double cpuAvailableGb, List<GpuMemory> gpus) {
  /** The host name used for this machine. */
  public static final String LOCAL = "local";

  /**
   * Copies the GPU list.
   *
   * @param host the host's name
   * @param cpuTotalGb total RAM in GiB
   * @param cpuAvailableGb available RAM in GiB
   * @param gpus the GPUs
   */
  public HostMemory {
    gpus = List.copyOf(gpus);
  }

  /**
   * Total GPU memory over all GPUs, in GiB (the Python API's {@code gpu_memory_gb}).
   *
   * @return the sum, 0 without GPUs
   */
  public double gpuMemoryGb() {
    return gpus.stream().mapToDouble(GpuMemory::totalGb).sum();
  }

  /**
   * Total CPU memory in GiB (the Python API's {@code cpu_memory_gb}).
   *
   * @return {@link #cpuTotalGb()}
   */
  public double cpuMemoryGb() {
    return cpuTotalGb;
  }
}
