package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.FileManifest;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of served files, cached by (path, size, mtime) so an unchanged file is hashed once. A
 * file that changes while it is hashed is not cached. Thread-safe; every method blocks (file
 * system, hashing): call on the blocking executor.
 */
public final class ManifestCache {
  private record Key(Path path, long size, long mtimeNanos) {}

  private final Map<Path, Map.Entry<Key, String>> cache = new ConcurrentHashMap<>();
  private final Map<Key, CompletableFuture<String>> inflight = new ConcurrentHashMap<>();

  /**
   * The SHA-256 of a file as it is now.
   *
   * @param file the real path
   * @param attrs its attributes, read just before
   * @return the hex digest
   * @throws IOException if it cannot be read
   */
  public String sha256(Path file, BasicFileAttributes attrs) throws IOException {
    Key key =
        new Key(
            file,
            attrs.size(),
            attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
    Map.Entry<Key, String> hit = cache.get(file);
    if (hit != null && hit.getKey().equals(key)) {
      return hit.getValue();
    }
    // One hash per (path, size, mtime) at a time: a client that timed out and retried waits for
    // the hash already running instead of starting another.
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e;
      }
    }
    try {
      String sha = Sha256.ofFile(file, attrs.size());
      BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
      Key now =
          new Key(
              file,
              after.size(),
              after.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
      if (now.equals(key)) {
        cache.put(file, Map.entry(key, sha));
      }
      mine.complete(sha);
      return sha;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(key, mine);
    }
  }

  /**
   * Whether the digest of this file, as it is, is cached.
   *
   * @param file the real path
   * @param attrs its attributes
   * @return whether {@link #sha256} would not hash
   */
  public boolean isCached(Path file, BasicFileAttributes attrs) {
    Map.Entry<Key, String> hit = cache.get(file);
    return hit != null
        && hit.getKey().size() == attrs.size()
        && hit.getKey().mtimeNanos()
            == attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * The manifest of a category: every regular file under the root (symbolic links that stay inside
   * the root included, hidden names and partial downloads excluded), hashed.
   *
   * @param category the category's name
   * @param root its root
   * @return the manifest, sorted by path; empty if the root does not exist
   * @throws IOException if the tree cannot be walked or a file read
   */
  public FileManifest manifest(String category, Path root) throws IOException {
    List<FileManifest.Entry> out = new ArrayList<>();
    for (Path f : listFiles(root)) {
      Path real = f.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      String rel = root.relativize(f).toString().replace('\\', '/');
      out.add(
          new FileManifest.Entry(rel, a.size(), a.lastModifiedTime().toMillis(), sha256(real, a)));
    }
    out.sort(Comparator.comparing(FileManifest.Entry::path));
    return new FileManifest(category, out);
  }

  /**
   * Counts the files and bytes of a category without hashing.
   *
   * @param root the root
   * @return {files, bytes, hashed}
   * @throws IOException if the tree cannot be walked
   */
  public long[] summary(Path root) throws IOException {
    long files = 0;
    long bytes = 0;
    long hashed = 0;
    for (Path f : listFiles(root)) {
      Path real = f.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      files++;
      bytes += a.size();
      if (isCached(real, a)) {
        hashed++;
      }
    }
    return new long[] {files, bytes, hashed};
  }

  private static List<Path> listFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    Path realRoot = root.toRealPath();
    Files.walkFileTree(
        realRoot,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(realRoot) && dir.getFileName().toString().startsWith(".")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = file.getFileName().toString();
            if (name.startsWith(".") || name.endsWith(".partial")) {
              return FileVisitResult.CONTINUE;
            }
            Path target = file;
            if (attrs.isSymbolicLink()) {
              target = file.toRealPath();
              if (!target.startsWith(realRoot) || !Files.isRegularFile(target)) {
                return FileVisitResult.CONTINUE;
              }
              files.add(root.resolve(realRoot.relativize(file)));
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isRegularFile()) {
              files.add(root.resolve(realRoot.relativize(file)));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }
}
