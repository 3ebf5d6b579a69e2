package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.storage.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The files of one local category root with their SHA-256, as a peer's manifest lists them: regular
 * files, hidden names and {@code *.partial} excluded. Hashes are cached by (path, size, mtime), so
 * an unchanged file is hashed once per coordinator.
 */
final class LocalManifest {
  /** One local file. */
  record Entry(Path file, long size, long mtimeMillis, String sha256) {}

  private record Key(Path file, long size, long mtime) {}

  private final Map<Key, String> cache = new ConcurrentHashMap<>();

  /** Lists {@code root} (blocking; hashes what changed). Missing root: empty. */
  Map<String, Entry> list(Path root) {
    Map<String, Entry> out = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path rel = root.relativize(p);
        if (rel.toString().isEmpty()
            || hidden(rel)
            || p.getFileName().toString().endsWith(".partial")) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
          continue;
        }
        long mtime = a.lastModifiedTime().toMillis();
        Key k = new Key(p, a.size(), mtime);
        String sha = cache.computeIfAbsent(k, key -> AtomicFiles.sha256(key.file()));
        out.put(rel.toString().replace('\\', '/'), new Entry(p, a.size(), mtime, sha));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    return out;
  }

  private static boolean hidden(Path rel) {
    for (Path seg : rel) {
      if (seg.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
