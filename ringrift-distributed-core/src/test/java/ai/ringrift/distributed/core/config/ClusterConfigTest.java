package ai.ringrift.distributed.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.transport.RemoteHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
  private static final String SAMPLE =
      """
      hosts:
        gpu-node-1:
          ssh_host: 203.0.113.10
          tailscale_ip: 100.64.0.11
          ssh_user: ubuntu
          ssh_port: 2222
          ssh_key: ~/.ssh/id_cluster
          memory_gb: 96
          gpu: H100
          role: training
          status: Ready
          custom_key: kept
        small:
          ssh_host: root@198.51.100.1
          memory_gb: 16
        offline-big:
          ssh_host: 198.51.100.2
          memory_gb: 512
          status: offline
        unknown-mem:
          ssh_host: 198.51.100.3
      sync:
        batch_size: 50
        timeout: 120
      circuit_breaker:
        failure_threshold: 4
        recovery_timeout: 90
      p2p_voters: [a, b]
      """;

  private static ClusterConfig parse(String yaml) {
    return ClusterConfig.parse(yaml, "hosts.yaml", Map.of());
  }

  @Test
  void shouldReadTheSeedKeys() {
    ClusterConfig c = parse(SAMPLE);
    assertThat(c.hosts())
        .extracting(HostConfig::name)
        .containsExactly("gpu-node-1", "small", "offline-big", "unknown-mem");
    HostConfig h = c.host("gpu-node-1").orElseThrow();
    assertThat(h.sshPort()).isEqualTo(2222);
    assertThat(h.status()).isEqualTo("ready");
    assertThat(h.memoryGb()).hasValue(96);
    assertThat(h.properties()).containsEntry("custom_key", "kept");
    assertThat(c.sync().batchSize()).isEqualTo(50);
    assertThat(c.sync().timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.circuitFailureThreshold()).isEqualTo(4);
    assertThat(c.circuitRecoveryTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldMapAHostToTheTransportsView() {
    RemoteHost r = parse(SAMPLE).host("gpu-node-1").orElseThrow().toRemoteHost();
    assertThat(r.addresses()).containsExactly("100.64.0.11", "203.0.113.10");
    assertThat(r.sshUser()).isEqualTo("ubuntu");
    assertThat(r.sshPort()).isEqualTo(2222);
    assertThat(r.sshKey()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh/id_cluster"));
    assertThat(parse(SAMPLE).host("small").orElseThrow().toRemoteHost().sshUser())
        .isEqualTo("root");
  }

  @Nested
  @DisplayName("eligible hosts per board")
  class Eligibility {
    @Test
    void shouldKeepReadyHostsWithEnoughMemoryLargestFirst() {
      ClusterConfig c = parse(SAMPLE);
      assertThat(c.eligibleHostsForBoard("hex8", 2))
          .extracting(HostConfig::name)
          .containsExactly("gpu-node-1", "small");
      assertThat(c.eligibleHostsForBoard("square19", 4))
          .extracting(HostConfig::name)
          .containsExactly("gpu-node-1");
    }

    @Test
    void shouldTreatHexAsTheLargeBoardAsPythonDoes() {
      assertThat(ClusterConfig.normalizeBoardType("HEX")).isEqualTo("hexagonal");
      assertThat(ClusterConfig.normalizeBoardType("sq8")).isEqualTo("square8");
      assertThat(parse(SAMPLE).memoryRequiredGb("hex", 2)).isEqualTo(48);
    }

    @Test
    void shouldPreferAConfigSpecificRequirement() {
      ClusterConfig c = parse(SAMPLE + "board_memory_gb:\n  hex8: 12\n  hex8_4p: 20\n");
      assertThat(c.memoryRequiredGb("hex8", 2)).isEqualTo(12);
      assertThat(c.memoryRequiredGb("hex8", 4)).isEqualTo(20);
      assertThat(c.eligibleHostsForBoard("hex8", 4))
          .extracting(HostConfig::name)
          .containsExactly("gpu-node-1");
    }

    @Test
    void shouldRejectUnknownBoardsAndPlayerCounts() {
      ClusterConfig c = parse(SAMPLE);
      assertThatThrownBy(() -> c.eligibleHostsForBoard("chess", 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("chess");
      assertThatThrownBy(() -> c.eligibleHostsForBoard("hex8", 5)).hasMessageContaining("2..4");
    }
  }

  @Nested
  @DisplayName("errors name the file, line and key path")
  class Errors {
    @Test
    void shouldNameTheKeyPathAndLineOfABadPort() {
      String yaml = "hosts:\n  gpu-node-1:\n    ssh_port: 70000\n";
      assertThatThrownBy(() -> parse(yaml))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("hosts.yaml:3:15: hosts.gpu-node-1.ssh_port:")
          .hasMessageContaining("70000")
          .satisfies(
              e ->
                  assertThat(((ConfigException) e).keyPath())
                      .hasValue("hosts.gpu-node-1.ssh_port"));
    }

    @Test
    void shouldRejectANonInteger() {
      assertThatThrownBy(() -> parse("hosts:\n  a:\n    memory_gb: lots\n"))
          .hasMessageContaining("hosts.a.memory_gb: expected an integer, got 'lots'");
    }

    @Test
    void shouldReportMalformedYamlWithItsPosition() {
      assertThatThrownBy(() -> parse("hosts:\n  a: [1, 2\n"))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("hosts.yaml:")
          .hasMessageContaining("malformed YAML");
    }

    @Test
    void shouldRejectDuplicateHosts() {
      assertThatThrownBy(() -> parse("hosts:\n  a: {}\n  a: {}\n"))
          .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldRejectAMappingWhereAValueBelongs() {
      assertThatThrownBy(() -> parse("hosts:\n  a:\n    ssh_host: {x: 1}\n"))
          .hasMessageContaining("hosts.a.ssh_host: expected a single value, got a mapping");
    }

    @Test
    void shouldNameABadEnvironmentVariable() {
      assertThatThrownBy(
              () -> ClusterConfig.parse(SAMPLE, "f", Map.of("RINGRIFT_SYNC_TIMEOUT", "soon")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("RINGRIFT_SYNC_TIMEOUT");
    }
  }

  @Nested
  @DisplayName("environment")
  class Environment {
    @Test
    void shouldOverrideTimeoutThresholdAndDefaultPorts() {
      ClusterConfig c =
          ClusterConfig.parse(
              SAMPLE,
              "f",
              Map.of(
                  "RINGRIFT_SYNC_TIMEOUT", "600",
                  "RINGRIFT_CIRCUIT_THRESHOLD", "7",
                  "RINGRIFT_P2P_PORT", "9770"));
      assertThat(c.sync().timeout()).isEqualTo(Duration.ofSeconds(600));
      assertThat(c.circuitFailureThreshold()).isEqualTo(7);
      assertThat(c.host("small").orElseThrow().p2pPort()).isEqualTo(9770);
    }

    @Test
    void shouldResolveSecretsFromTheEnvironmentWithoutKeepingThemInToString() {
      String yaml =
          "hosts:\n  v:\n    cloudflare_tunnel: v.example.com\n"
              + "    cloudflare_service_token_id: id-1\n"
              + "    cloudflare_service_token_secret: ${CF_SECRET}\n";
      ClusterConfig c = ClusterConfig.parse(yaml, "f", Map.of("CF_SECRET", "top-secret"));
      RemoteHost r = c.host("v").orElseThrow().toRemoteHost();
      assertThat(r.cloudflareTokenSecret()).hasValue("top-secret");
      assertThat(c.toString() + c.host("v").orElseThrow() + r).doesNotContain("top-secret");
      assertThatThrownBy(() -> ClusterConfig.parse(yaml, "f", Map.of()))
          .hasMessageContaining("CF_SECRET is not set");
    }

    @Test
    void shouldDefaultToTheDocumentedPath() {
      assertThat(ClusterConfig.configPath(Map.of()))
          .isEqualTo(Path.of("config/distributed_hosts.yaml"));
      assertThat(ClusterConfig.configPath(Map.of("RINGRIFT_CLUSTER_CONFIG", "/etc/x.yaml")))
          .isEqualTo(Path.of("/etc/x.yaml"));
    }
  }

  @Test
  void shouldLoadFilesAsynchronouslyAndFailWithTheFileName(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("hosts.yaml");
    Files.writeString(f, SAMPLE);
    assertThat(ClusterConfig.load(f).get().hosts()).hasSize(4);
    assertThat(ClusterConfig.load(f).get().source()).hasValue(f);
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> ClusterConfig.load(missing).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.yaml")
        .hasMessageContaining("RINGRIFT_CLUSTER_CONFIG");
  }

  @Test
  void shouldLoadTheShippedSampleConfig() throws Exception {
    Path sample = Path.of("..", "config", "distributed_hosts.yaml");
    ClusterConfig c = ClusterConfig.load(sample, Map.of("CF_SECRET", "s"), Runnable::run).get();
    assertThat(c.hosts())
        .extracting(HostConfig::name)
        .containsExactly("gpu-node-1", "gpu-node-2", "vast-box-7");
    assertThat(c.host("vast-box-7").orElseThrow().isEphemeral()).isTrue();
    assertThat(c.sync().maxConcurrentSyncs()).isEqualTo(4);
  }
}
