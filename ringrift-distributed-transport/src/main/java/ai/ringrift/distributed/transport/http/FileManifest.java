package ai.ringrift.distributed.transport.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The files of one category on one node, each with its size, modification time and SHA-256.
 *
 * @param category the category, e.g. {@code models}
 * @param files the files, sorted by path
 */
public record FileManifest(String category, List<Entry> files) {
  /**
   * Copies the list.
   *
   * @param category the category
   * @param files the entries
   */
  public FileManifest {
    Objects.requireNonNull(category, "category");
    files = List.copyOf(files);
  }

  /**
   * One file.
   *
   * @param path the path relative to the category root, with {@code /} separators
   * @param size bytes
   * @param mtimeMillis last modification, epoch milliseconds
   * @param sha256 64 lower-case hex digits
   */
  public record Entry(String path, long size, long mtimeMillis, String sha256) {
    /**
     * Validates the parts.
     *
     * @param path the relative path
     * @param size bytes
     * @param mtimeMillis epoch millis
     * @param sha256 hex digest
     */
    public Entry {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /**
   * The entry for a path, if listed.
   *
   * @param path the relative path
   * @return the entry
   */
  public Optional<Entry> find(String path) {
    return files.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  /**
   * The entries by path.
   *
   * @return an unmodifiable map
   */
  public Map<String, Entry> byPath() {
    return files.stream().collect(Collectors.toUnmodifiableMap(Entry::path, Function.identity()));
  }

  /**
   * The sum of the file sizes.
   *
   * @return bytes
   */
  public long totalBytes() {
    return files.stream().mapToLong(Entry::size).sum();
  }
}
