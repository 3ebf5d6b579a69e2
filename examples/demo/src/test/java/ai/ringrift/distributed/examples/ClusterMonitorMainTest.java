package ai.ringrift.distributed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterMonitorMainTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return ClusterMonitorMain.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        null);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void defaultsAreThePythonOnes() throws Exception {
    ClusterMonitorMain.Options o = ClusterMonitorMain.parse(new String[0]);
    assertThat(o.config()).isNull();
    assertThat(o.watch()).isFalse();
    assertThat(o.json()).isFalse();
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.hosts()).isEmpty();
  }

  @Test
  void parsesEveryFlag() throws Exception {
    ClusterMonitorMain.Options o =
        ClusterMonitorMain.parse(
            new String[] {
              "--config",
              "c.yaml",
              "--watch",
              "--interval",
              "2.5",
              "--json",
              "--hosts",
              "a",
              "b",
              "--timeout",
              "3"
            });
    assertThat(o.config()).isEqualTo(Path.of("c.yaml"));
    assertThat(o.watch()).isTrue();
    assertThat(o.interval()).isEqualTo(Duration.ofMillis(2500));
    assertThat(o.json()).isTrue();
    assertThat(o.hosts()).isEqualTo(List.of("a", "b"));
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(ClusterMonitorMain.parse(new String[] {"--watch", "--once"}).watch()).isFalse();
  }

  @Test
  void badArgumentsPrintTheUsageAndExit2() {
    assertThat(run(Map.of(), "--bogus")).isEqualTo(2);
    assertThat(err()).contains("unknown argument: --bogus").contains("usage: cluster-monitor");
    err.reset();
    assertThat(run(Map.of(), "--interval", "0")).isEqualTo(2);
    assertThat(err()).contains("--interval must be more than 0").contains("usage:");
    err.reset();
    assertThat(run(Map.of(), "--timeout", "soon")).isEqualTo(2);
    assertThat(err()).contains("--timeout must be a number of seconds, was soon");
    err.reset();
    assertThat(run(Map.of(), "--hosts")).isEqualTo(2);
    assertThat(err()).contains("--hosts needs at least one host name");
    err.reset();
    assertThat(run(Map.of(), "--config")).isEqualTo(2);
    assertThat(err()).contains("--config needs a value");
    assertThatThrownBy(() -> ClusterMonitorMain.parse(new String[] {"--interval"}))
        .isInstanceOf(ClusterMonitorMain.UsageException.class);
  }

  @Test
  void helpPrintsTheUsageAndExits0() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--watch").contains("--json");
  }

  @Test
  void anUnreadableConfigPrintsTheConfigErrorAndExits2() throws Exception {
    Path missing = tmp.resolve("nope.yaml");
    assertThat(run(Map.of(), "--config", missing.toString())).isEqualTo(2);
    assertThat(err()).contains("nope.yaml");
    err.reset();

    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "hosts:\n  a:\n    ssh_port: many\n");
    assertThat(run(Map.of("RINGRIFT_CLUSTER_CONFIG", bad.toString()))).isEqualTo(2);
    assertThat(err()).contains("bad.yaml").contains("ssh_port");
  }

  @Test
  void anUnknownHostNameExits2() throws Exception {
    Path cfg =
        Files.writeString(
            tmp.resolve("hosts.yaml"),
            "hosts:\n  a:\n    ssh_host: 127.0.0.1\n    status: ready\n");
    assertThat(run(Map.of(), "--config", cfg.toString(), "--hosts", "zzz")).isEqualTo(2);
    assertThat(err()).contains("zzz");
  }
}
