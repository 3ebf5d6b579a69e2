package ai.ringrift.distributed.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("atomic file installation")
class AtomicFilesTest {
  @TempDir Path tmp;

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("installs readable by the group with size and SHA-256, leaving no temporary file")
  void shouldInstallReadable() throws Exception {
    Path target = tmp.resolve("models/best.pth");
    AtomicFiles.Installed r = AtomicFiles.install(bytes("new model"), target);
    assertThat(Files.readString(target)).isEqualTo("new model");
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.sha256())
        .isEqualTo(AtomicFiles.sha256("new model".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.sha256()).isEqualTo(AtomicFiles.sha256(target));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r--r--");
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  @DisplayName("a size or digest mismatch fails, naming the target, and leaves the old file")
  void shouldLeaveTargetOnMismatch() throws Exception {
    Path target = tmp.resolve("f.npz");
    AtomicFiles.install(bytes("old"), target);
    String good = AtomicFiles.sha256("new".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> AtomicFiles.install(bytes("new"), target, new AtomicFiles.Expected(4, null)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("expected 4 bytes, got 3");
    assertThatThrownBy(
            () ->
                AtomicFiles.install(
                    bytes("neW"), target, new AtomicFiles.Expected(3, good.toUpperCase())))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("SHA-256 mismatch");
    assertThat(Files.readString(target)).isEqualTo("old");
    AtomicFiles.install(bytes("new"), target, new AtomicFiles.Expected(3, good));
    assertThat(Files.readString(target)).isEqualTo("new");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  @DisplayName("installs a file written to a temporary name in the target directory")
  void shouldInstallTempFile() throws Exception {
    Path target = tmp.resolve("x.bin");
    Path temp = AtomicFiles.tempFileFor(target);
    assertThat(AtomicFiles.isTempFile(temp)).isTrue();
    Files.writeString(temp, "payload");
    AtomicFiles.installFile(temp, target, new AtomicFiles.Expected(7, null));
    assertThat(Files.readString(target)).isEqualTo("payload");
    assertThat(temp).doesNotExist();
  }

  @Test
  @DisplayName("stale temporary files of a dead install are removed by the next install")
  void shouldCleanStaleTemps() throws Exception {
    Path target = tmp.resolve("y.bin");
    Path stale = AtomicFiles.tempFileFor(target);
    Path fresh = AtomicFiles.tempFileFor(target);
    Files.setLastModifiedTime(
        stale, FileTime.from(Instant.now().minus(AtomicFiles.STALE_TEMP_AGE.multipliedBy(2))));
    AtomicFiles.install(bytes("z"), target);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(AtomicFiles.cleanupStaleTemps(tmp, java.time.Duration.ZERO)).isEqualTo(1);
    assertThat(fresh).doesNotExist();
  }

  @Test
  @DisplayName("free-space check says how much is needed and where")
  void shouldExplainMissingSpace() {
    assertThatThrownBy(() -> AtomicFiles.ensureFreeSpace(tmp.resolve("a/b"), Long.MAX_VALUE))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(tmp.resolve("a/b").toString())
        .hasMessageContaining(Long.MAX_VALUE + " bytes) needed")
        .hasMessageContaining("usable");
    AtomicFiles.ensureFreeSpace(tmp, 1);
    assertThatThrownBy(
            () ->
                AtomicFiles.install(
                    bytes("x"),
                    tmp.resolve("huge"),
                    new AtomicFiles.Expected(Long.MAX_VALUE, null)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not enough free space");
    assertThat(tmp.resolve("huge")).doesNotExist();
  }
}
