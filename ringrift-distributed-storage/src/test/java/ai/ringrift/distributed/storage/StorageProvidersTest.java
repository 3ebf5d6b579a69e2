package ai.ringrift.distributed.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("storage provider detection")
class StorageProvidersTest {
  @TempDir Path tmp;

  private static final String LOCAL_MOUNTS =
      "/dev/nvme0n1p1 / ext4 rw,relatime 0 0\n"
          + "proc /proc proc rw,nosuid 0 0\n"
          + "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n";

  private StorageProviders.Detection.Builder base(Path nfsRoot) {
    return StorageProviders.Detection.builder()
        .environment(Map.of())
        .mountTable(LOCAL_MOUNTS)
        .nfsRoot(nfsRoot)
        .localRoot(tmp.resolve("local"))
        .ephemeralRoot(tmp.resolve("workspace"))
        .tmpDir(tmp.resolve("tmp"));
  }

  @Nested
  @DisplayName("the environment variable")
  class Environment {
    @Test
    @DisplayName("wins, and accepts the Python names lambda and vast")
    void shouldAcceptAllNames() {
      Map<String, StorageProviderType> cases =
          Map.of(
              "local", StorageProviderType.LOCAL,
              "nfs", StorageProviderType.NFS,
              "lambda", StorageProviderType.NFS,
              " Ephemeral ", StorageProviderType.EPHEMERAL,
              "VAST", StorageProviderType.EPHEMERAL);
      cases.forEach(
          (value, type) ->
              assertThat(
                      StorageProviders.detectType(
                          base(tmp.resolve("none"))
                              .environment(
                                  Map.of(
                                      StorageProviders.ENV_PROVIDER,
                                      value,
                                      "VAST_CONTAINERLABEL",
                                      "c1"))
                              .build()))
                  .as(value)
                  .isEqualTo(type));
    }

    @Test
    @DisplayName("with an unknown value is an error naming the variable and the value")
    void shouldRefuseUnknownValue() {
      assertThatThrownBy(
              () ->
                  StorageProviders.detect(
                      base(tmp).environment(Map.of(StorageProviders.ENV_PROVIDER, "aws")).build()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("RINGRIFT_STORAGE_PROVIDER='aws'");
    }
  }

  @Nested
  @DisplayName("NFS")
  class Nfs {
    @Test
    @DisplayName("is detected when the mount table puts the root on a network file system")
    void shouldDetectNfsFromMountTable() throws Exception {
      Path root = Files.createDirectories(tmp.resolve("lambda/nfs/RingRift"));
      String mounts =
          LOCAL_MOUNTS + "10.0.0.5:/export " + tmp.resolve("lambda/nfs") + " nfs4 rw 0 0\n";
      StorageProvider p = StorageProviders.detect(base(root).mountTable(mounts).build());
      assertThat(p.type()).isEqualTo(StorageProviderType.NFS);
      assertThat(p.paths().games()).isEqualTo(root.resolve("data/games"));
      assertThat(p.paths().models()).isEqualTo(root.resolve("models"));
      assertThat(p.capabilities().sharedAcrossNodes()).isTrue();
      assertThat(p.capabilities().persistent()).isTrue();
    }

    @Test
    @DisplayName("is not detected when the directory exists on a local disk")
    void shouldNotTrustDirectoryAlone() throws Exception {
      Path root = Files.createDirectories(tmp.resolve("lambda/nfs/RingRift"));
      assertThat(StorageProviders.detectType(base(root).build()))
          .isEqualTo(StorageProviderType.LOCAL);
    }

    @Test
    @DisplayName("reads escaped mount points from a mount-table file")
    void shouldReadMountTableFile() throws Exception {
      Path root = Files.createDirectories(tmp.resolve("my nfs/RingRift"));
      Path table = tmp.resolve("mounts");
      Files.writeString(
          table,
          LOCAL_MOUNTS
              + "srv:/x "
              + tmp.resolve("my nfs").toString().replace(" ", "\\040")
              + " nfs rw 0 0\n");
      assertThat(StorageProviders.detectType(base(root).mountTableFile(table).build()))
          .isEqualTo(StorageProviderType.NFS);
    }
  }

  @Nested
  @DisplayName("ephemeral")
  class Ephemeral {
    @Test
    @DisplayName("is detected from VAST_CONTAINERLABEL")
    void shouldDetectVast() {
      StorageProvider p =
          StorageProviders.detect(
              base(tmp.resolve("none"))
                  .environment(Map.of("VAST_CONTAINERLABEL", "C.123"))
                  .build());
      assertThat(p.type()).isEqualTo(StorageProviderType.EPHEMERAL);
      assertThat(p.paths().root()).isEqualTo(tmp.resolve("workspace"));
      assertThat(p.capabilities().persistent()).isFalse();
    }

    @Test
    @DisplayName("is not detected from a bare /workspace directory")
    void shouldIgnoreBareWorkspace() throws Exception {
      Files.createDirectories(tmp.resolve("workspace"));
      assertThat(StorageProviders.detectType(base(tmp.resolve("none")).build()))
          .isEqualTo(StorageProviderType.LOCAL);
    }
  }

  @Test
  @DisplayName("local is the default, with the standard layout and the file store's size")
  void shouldDefaultToLocal() {
    StorageProvider p = StorageProviders.detect(base(tmp.resolve("none")).build());
    assertThat(p.type()).isEqualTo(StorageProviderType.LOCAL);
    StoragePaths paths = p.paths();
    Path root = tmp.resolve("local");
    assertThat(paths.games()).isEqualTo(root.resolve("data/games"));
    assertThat(paths.training()).isEqualTo(root.resolve("data/training"));
    assertThat(paths.configs()).isEqualTo(root.resolve("config"));
    assertThat(paths.wal()).isEqualTo(root.resolve("data/wal"));
    assertThat(paths.syncStaging()).isEqualTo(root.resolve("data/sync_staging"));
    assertThat(paths.scratch()).isEqualTo(tmp.resolve("tmp/ringrift"));
    assertThat(p.capabilities().maxSizeGb()).isPositive();
    assertThat(p.capabilities().sharedAcrossNodes()).isFalse();
  }

  @Test
  @DisplayName("an explicit provider wins over everything")
  void shouldPreferExplicitProvider() {
    StorageProvider mine = new FixedProvider();
    StorageProvider p =
        StorageProviders.detect(
            base(tmp)
                .environment(Map.of(StorageProviders.ENV_PROVIDER, "nfs"))
                .provider(mine)
                .build());
    assertThat(p).isSameAs(mine);
  }

  @Test
  @DisplayName("a provider registered with ServiceLoader replaces the built-in one of its type")
  void shouldUseServiceLoaderProvider() throws Exception {
    Path services = Files.createDirectories(tmp.resolve("cp/META-INF/services"));
    Files.writeString(
        services.resolve(StorageProvider.class.getName()), FixedProvider.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {tmp.resolve("cp").toUri().toURL()}, getClass().getClassLoader())) {
      StorageProvider ephemeral =
          StorageProviders.detect(
              base(tmp)
                  .environment(Map.of("VAST_CONTAINERLABEL", "x"))
                  .classLoader(loader)
                  .build());
      assertThat(ephemeral).isInstanceOf(FixedProvider.class);
      StorageProvider local = StorageProviders.detect(base(tmp).classLoader(loader).build());
      assertThat(local).isNotInstanceOf(FixedProvider.class);
    }
  }

  /** A plugged-in provider for an ephemeral node. */
  public static final class FixedProvider implements StorageProvider {
    @Override
    public StorageProviderType type() {
      return StorageProviderType.EPHEMERAL;
    }

    @Override
    public StoragePaths paths() {
      return StoragePaths.standard(Path.of("/fixed"), Path.of("/fixed/scratch"));
    }

    @Override
    public StorageCapabilities capabilities() {
      return new StorageCapabilities(false, false, 1, true);
    }
  }
}
