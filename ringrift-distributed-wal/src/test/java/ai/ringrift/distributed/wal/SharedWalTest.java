package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.wal.internal.SharedWal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("UnifiedWal.shared()")
class SharedWalTest {
  @Test
  void shouldOpenOneProcessWideWalAtTheConfiguredDirectoryAndReopenItAfterClose()
      throws IOException {
    String env = System.getenv(UnifiedWal.ENV_WAL_DIR);
    Path expected = Path.of(env == null || env.isBlank() ? UnifiedWal.DEFAULT_WAL_DIR : env);
    assertThat(SharedWal.directory()).isEqualTo(expected);
    boolean existed = Files.exists(expected);
    try {
      UnifiedWal first = UnifiedWal.shared();
      assertThat(UnifiedWal.shared()).isSameAs(first);
      assertThat(first.config().directory()).isEqualTo(expected);
      assertThat(first.config().maxPending()).isEqualTo(WalConfig.DEFAULT_MAX_PENDING);
      first.close();
      UnifiedWal second = UnifiedWal.shared();
      assertThat(second).isNotSameAs(first);
      second.close();
    } finally {
      if (!existed && Files.exists(expected)) {
        try (Stream<Path> s = Files.walk(expected)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        // remove the data/ parent too if this test created it empty
        Path parent = expected.toAbsolutePath().getParent();
        try (Stream<Path> s = Files.list(parent)) {
          if (s.findAny().isEmpty()) {
            Files.delete(parent);
          }
        }
      }
    }
  }
}
