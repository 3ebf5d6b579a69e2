package ai.ringrift.distributed.transport.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.ringrift.distributed.transport.ssh.GpuMemory;
import ai.ringrift.distributed.transport.ssh.HostMemory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MemoryParser")
class MemoryParserTest {
  static final String MEMINFO =
      "MemTotal:       98765432 kB\nMemFree:         1000000 kB\nMemAvailable:   50331648 kB\n"
          + "Buffers:          100 kB\nCached:          2000 kB\n";

  @Test
  @DisplayName("reads MemTotal and MemAvailable in GiB and each GPU from nvidia-smi CSV")
  void shouldParseMeminfoAndGpus() {
    String out =
        MEMINFO
            + MemoryParser.SEPARATOR
            + "\n"
            + "NVIDIA H100 80GB HBM3, 81559, 1024\nNVIDIA GH200 480GB, 97871, 0\n";
    HostMemory m = MemoryParser.parse("gpu-1", out);
    assertThat(m.host()).isEqualTo("gpu-1");
    assertThat(m.cpuTotalGb()).isCloseTo(98765432 / 1048576.0, within(1e-9));
    assertThat(m.cpuAvailableGb()).isCloseTo(48.0, within(1e-9));
    assertThat(m.gpus())
        .containsExactly(
            new GpuMemory(0, "NVIDIA H100 80GB HBM3", 81559, 1024),
            new GpuMemory(1, "NVIDIA GH200 480GB", 97871, 0));
    assertThat(m.gpuMemoryGb()).isCloseTo((81559 + 97871) / 1024.0, within(1e-9));
  }

  @Test
  @DisplayName(
      "a host without nvidia-smi has no GPUs; an old kernel without MemAvailable is estimated")
  void shouldHandleNoGpuAndOldKernels() {
    String old = "MemTotal: 2097152 kB\nMemFree: 524288 kB\nBuffers: 0 kB\nCached: 524288 kB\n";
    HostMemory m = MemoryParser.parse("cpu-1", old + MemoryParser.SEPARATOR + "\n");
    assertThat(m.gpus()).isEmpty();
    assertThat(m.cpuTotalGb()).isEqualTo(2.0);
    assertThat(m.cpuAvailableGb()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("skips nvidia-smi error lines and [N/A] values")
  void shouldSkipGarbageGpuLines() {
    String out =
        MEMINFO
            + MemoryParser.SEPARATOR
            + "\nNVIDIA-SMI has failed\nTesla T4, [N/A], [N/A]\n"
            + "Tesla, T4 odd, 15360, 5\n";
    assertThat(MemoryParser.parse("x", out).gpus())
        .containsExactly(new GpuMemory(0, "Tesla, T4 odd", 15360, 5));
  }

  @Test
  @DisplayName("output without MemTotal is an error naming the host")
  void shouldRejectOutputWithoutMemTotal() {
    assertThatThrownBy(() -> MemoryParser.parse("mac-1", "sysctl: unknown oid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mac-1")
        .hasMessageContaining("MemTotal");
  }
}
