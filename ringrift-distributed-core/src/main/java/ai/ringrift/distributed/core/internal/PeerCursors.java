package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.storage.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The game cursors a node keeps per peer, one small file each under {@code <dir>}: {@code
 * pull-PEER.cursor}, where the last pull from PEER ended, in PEER's cursor space. The node's P2P
 * service keeps the cursors of pulls other nodes ask for ({@code POST /sync/games}) in the same
 * directory under the same names, so both kinds of pull from one peer share its cursor. Written
 * atomically (temp file, fsync, rename), so a crash leaves the old or the new value.
 */
final class PeerCursors {
  private final Path dir;

  PeerCursors(Path dir) {
    this.dir = dir;
  }

  String pull(String peer) {
    return read(file("pull", peer));
  }

  void savePull(String peer, String cursor) {
    write(file("pull", peer), cursor);
  }

  /** Every pull cursor, keyed by peer. */
  Map<String, String> pullCursors() {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            String n = p.getFileName().toString();
            if (n.startsWith("pull-") && n.endsWith(".cursor")) {
              out.put(n.substring(5, n.length() - 7), read(p));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cursors in " + dir, e);
    }
    return out;
  }

  private Path file(String kind, String peer) {
    return dir.resolve(kind + "-" + safe(peer) + ".cursor");
  }

  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String read(Path f) {
    try {
      return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cursor " + f, e);
    }
  }

  private static void write(Path f, String cursor) {
    try {
      Files.createDirectories(f.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + f.getParent(), e);
    }
    AtomicFiles.install(new ByteArrayInputStream(cursor.getBytes(StandardCharsets.UTF_8)), f);
  }
}
