package ai.ringrift.distributed.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("PathResolver keeps every path inside its root")
class PathResolverTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        "../x",
        "a/../../x",
        "a/./b",
        "./a",
        "a//b",
        "a/",
        "a\\..\\b",
        "a\u0000b",
        "%2e%2e/x",
        "a/%2f",
        "C:/windows",
        "",
        "/",
        "a\nb"
      })
  void shouldRejectBadSyntaxWith400(String raw) {
    assertThatThrownBy(() -> PathResolver.checkSyntax(raw))
        .isInstanceOfSatisfying(
            PathResolver.Rejected.class, r -> assertThat(r.status).isEqualTo(400));
  }

  @Test
  void shouldStripLeadingSlashesLikePython() throws Exception {
    assertThat(PathResolver.checkSyntax("/games/hex8_2p.db")).isEqualTo("games/hex8_2p.db");
  }

  @Test
  void shouldResolveFilesAndInnerSymlinksButNotEscapes() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("a.txt"), "a");
    Files.writeString(tmp.resolve("secret"), "s");
    Files.createSymbolicLink(root.resolve("inner"), root.resolve("a.txt"));
    Files.createSymbolicLink(root.resolve("outer"), tmp.resolve("secret"));
    Files.createDirectories(root.resolve("dir"));
    assertThat(PathResolver.resolveFile(root, "a.txt"))
        .isEqualTo(root.resolve("a.txt").toRealPath());
    assertThat(PathResolver.resolveFile(root, "inner"))
        .isEqualTo(root.resolve("a.txt").toRealPath());
    assertThatThrownBy(() -> PathResolver.resolveFile(root, "outer"))
        .isInstanceOfSatisfying(
            PathResolver.Rejected.class, r -> assertThat(r.status).isEqualTo(403));
    assertThatThrownBy(() -> PathResolver.resolveFile(root, "missing"))
        .isInstanceOfSatisfying(
            PathResolver.Rejected.class, r -> assertThat(r.status).isEqualTo(404));
    assertThatThrownBy(() -> PathResolver.resolveFile(root, "dir"))
        .isInstanceOfSatisfying(
            PathResolver.Rejected.class, r -> assertThat(r.status).isEqualTo(404));
  }
}
