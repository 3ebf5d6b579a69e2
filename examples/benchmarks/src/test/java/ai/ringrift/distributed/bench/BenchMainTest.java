package ai.ringrift.distributed.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchMainTest {
  @TempDir Path out;

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private static Benchmark fixed(String name, double ours, double baseline, double target) {
    return new Benchmark() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "a fixed report for tests";
      }

      @Override
      public BenchReport run(BenchContext context) {
        assertThat(context.scratchDir()).isDirectory();
        return new BenchReport(name)
            .add(new BenchReport.Row("appends/s", "ops/s", ours, "sqlite", baseline, true, target))
            .add(new BenchReport.Row("p99 latency", "ms", 2.0, "fsync", 4.0, false, null))
            .note("payload_bytes", 128);
      }
    };
  }

  private int run(List<Benchmark> all, String... args) {
    return BenchMain.run(
        args,
        all,
        out,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @Test
  void shouldListRegisteredBenchmarks() {
    assertThat(run(List.of(fixed("alpha", 1, 1, 1)), "list")).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("alpha").contains("fixed report");
  }

  @Test
  void shouldPrintTableWithRatiosAndWriteJson() throws Exception {
    assertThat(run(List.of(fixed("alpha", 300, 10, 20)), "alpha")).isZero();
    String table = stdout.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("30.00x").contains(">=20.00x").contains("2.00x");

    JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("alpha.json")));
    assertThat(json.get("benchmark").asText()).isEqualTo("alpha");
    assertThat(json.get("rows").get(0).get("ratio").asDouble()).isEqualTo(30.0);
    assertThat(json.get("rows").get(1).get("ratio").asDouble()).isEqualTo(2.0);
    assertThat(json.get("notes").get("payload_bytes").asInt()).isEqualTo(128);
    try (var left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("alpha.json");
    }
  }

  @Test
  void shouldExitNonZeroWhenBelowTarget() {
    assertThat(run(List.of(fixed("alpha", 15, 10, 20)), "alpha")).isEqualTo(1);
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("below target");
  }

  @Test
  void shouldRejectUnknownBenchmarkByName() {
    assertThat(run(List.of(fixed("alpha", 1, 1, 1)), "beta")).isEqualTo(2);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("unknown benchmark 'beta'");
  }
}
