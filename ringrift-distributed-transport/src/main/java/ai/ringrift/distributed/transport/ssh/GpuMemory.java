package ai.ringrift.distributed.transport.ssh;

/**
 * One GPU as {@code nvidia-smi} reports it.
 *
 * @param index the GPU's position in {@code nvidia-smi}'s output, from 0
 * @param name the product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param totalMib total memory in MiB
 * @param usedMib used memory in MiB
 */
public record GpuMemory(int index, String name, long totalMib, long usedMib) {
  /**
   * Total memory in GiB.
   *
   * @return {@code totalMib / 1024}
   */
  public double totalGb() {
    return totalMib / 1024.0;
  }
}
