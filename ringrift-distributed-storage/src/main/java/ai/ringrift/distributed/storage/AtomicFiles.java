package ai.ringrift.distributed.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs files so that a reader, or a node that crashes, sees either the old file or the complete
 * new one, never a mix.
 *
 * <p>An install writes to a temporary file in the target's directory (named {@code
 * .<name>.rrtmp-<random>}), computes its SHA-256 while writing, fsyncs it, checks the expected size
 * and digest if given, makes it readable by group and others ({@code rw-r--r--}: the Python cluster
 * shipped unreadable {@code 0600} files), renames it over the target atomically and fsyncs the
 * directory. On any failure the temporary file is deleted and the target is untouched. Temporary
 * files left by a process that died mid-install are recognised by {@link #isTempFile} and deleted
 * by the next install into the same directory once they are older than {@link #STALE_TEMP_AGE} (a
 * younger one may belong to an install still running in another process).
 *
 * <p>Every method blocks on file I/O: call it from an executor you own, never from an event loop.
 * Failures throw {@link StorageException} naming the path (and the sizes or digests involved).
 */
public final class AtomicFiles {
  /** Temporary files older than this are leftovers of a dead install and are deleted. */
  public static final Duration STALE_TEMP_AGE = Duration.ofMinutes(15);

  private static final String TEMP_MARK = ".rrtmp-";
  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final int BUFFER = 1 << 16;
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  private AtomicFiles() {}

  /**
   * What the installed bytes must be.
   *
   * @param size the expected size in bytes, or {@code -1} if unknown
   * @param sha256 the expected SHA-256 as 64 hex digits (either case), or {@code null} if unknown
   */
  public record Expected(long size, @Nullable String sha256) {
    /** Checks the values. */
    public Expected {
      if (size < -1) {
        throw new IllegalArgumentException("size must be >= 0 or -1 (unknown), got " + size);
      }
      if (sha256 != null) {
        if (!sha256.matches("[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
      }
    }

    /** Nothing is expected: any bytes are installed. @return the empty expectation */
    public static Expected none() {
      return new Expected(-1, null);
    }
  }

  /**
   * What was installed.
   *
   * @param path the target path
   * @param size its size in bytes
   * @param sha256 its SHA-256, 64 lower-case hex digits
   */
  public record Installed(Path path, long size, String sha256) {}

  /**
   * Installs the bytes of {@code in} at {@code target}, replacing any existing file. Does not close
   * {@code in}. Creates the target's directory if needed.
   *
   * @param in the bytes; read to its end
   * @param target where the file goes
   * @param expected the size and digest the bytes must have
   * @return what was installed
   * @throws StorageException if writing fails, the disk lacks room for an expected size, or the
   *     bytes do not match {@code expected} (then the target is untouched)
   */
  public static Installed install(InputStream in, Path target, Expected expected) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(expected, "expected");
    Path dir = parentOf(target);
    createDirectories(dir);
    cleanupStaleTemps(dir, target.getFileName().toString(), STALE_TEMP_AGE);
    if (expected.size() > 0) {
      ensureFreeSpace(dir, expected.size());
    }
    Path temp = tempFileFor(target);
    boolean done = false;
    try {
      MessageDigest md = sha256Digest();
      long size;
      try (FileChannel ch =
              FileChannel.open(
                  temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), md)) {
        size = in.transferTo(out);
        out.flush();
        ch.force(true);
      }
      String digest = HexFormat.of().formatHex(md.digest());
      Installed result = commit(temp, target, size, digest, expected);
      done = true;
      return result;
    } catch (IOException e) {
      throw new StorageException("cannot install " + target + ": " + e, e);
    } finally {
      if (!done) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Installs the bytes of {@code in} at {@code target} without expectations.
   *
   * @param in the bytes; read to its end, not closed
   * @param target where the file goes
   * @return what was installed
   * @throws StorageException if writing fails
   */
  public static Installed install(InputStream in, Path target) {
    return install(in, target, Expected.none());
  }

  /**
   * Installs an already written file at {@code target}. If {@code source} is in the target's
   * directory (e.g. made by {@link #tempFileFor}) it is fsynced, verified and renamed; otherwise it
   * is copied through a temporary file as {@link #install(InputStream, Path, Expected)} does and
   * the source is left in place.
   *
   * @param source the written file
   * @param target where it goes
   * @param expected the size and digest it must have
   * @return what was installed
   * @throws StorageException if the file cannot be read or installed, or does not match {@code
   *     expected} (then the target is untouched and a same-directory source is deleted)
   */
  public static Installed installFile(Path source, Path target, Expected expected) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(expected, "expected");
    Path dir = parentOf(target);
    Path src = source.toAbsolutePath().normalize();
    if (!dir.equals(src.getParent())) {
      try (InputStream in = Files.newInputStream(src)) {
        return install(in, target, expected);
      } catch (IOException e) {
        throw new StorageException("cannot read " + src + " to install it at " + target, e);
      }
    }
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(src, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Installed result = commit(src, target, Files.size(src), sha256(src), expected);
      done = true;
      return result;
    } catch (IOException e) {
      throw new StorageException("cannot install " + src + " at " + target + ": " + e, e);
    } finally {
      if (!done) {
        deleteQuietly(src);
      }
    }
  }

  /**
   * A new, empty temporary file in {@code target}'s directory, named so that {@link #isTempFile}
   * recognises it, for writers that fill it themselves (resumable downloads) and then call {@link
   * #installFile}.
   *
   * @param target the file it will become
   * @return the temporary file's path (the file exists)
   * @throws StorageException if it cannot be created
   */
  public static Path tempFileFor(Path target) {
    Path dir = parentOf(target);
    createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + TEMP_MARK + UUID.randomUUID());
    try {
      Files.createFile(temp);
      return temp;
    } catch (IOException e) {
      throw new StorageException("cannot create a temporary file in " + dir + ": " + e, e);
    }
  }

  /**
   * Whether {@code path} is a temporary file of an install (finished, running or dead).
   *
   * @param path any path
   * @return true if its name has the temporary-file form
   */
  public static boolean isTempFile(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".") && name.toString().contains(TEMP_MARK);
  }

  /**
   * Deletes the temporary files in {@code dir} whose last modification is at least {@code
   * olderThan} ago.
   *
   * @param dir the directory
   * @param olderThan the minimum age ({@link Duration#ZERO} deletes them all: only when no install
   *     into {@code dir} can be running)
   * @return how many were deleted
   */
  public static int cleanupStaleTemps(Path dir, Duration olderThan) {
    return cleanupStaleTemps(dir, null, olderThan);
  }

  private static int cleanupStaleTemps(Path dir, @Nullable String forName, Duration olderThan) {
    int deleted = 0;
    Instant cutoff = Instant.now().minus(olderThan);
    String prefix = forName == null ? "." : "." + forName + TEMP_MARK;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> isTempFile(p))) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(prefix)) {
          continue;
        }
        FileTime mtime = Files.getLastModifiedTime(p);
        if (!mtime.toInstant().isAfter(cutoff)) {
          if (Files.deleteIfExists(p)) {
            deleted++;
            LOG.info("deleted leftover temporary file {} (modified {})", p, mtime);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot clean temporary files in {}: {}", dir, e.toString());
    }
    return deleted;
  }

  /**
   * Checks that the file store holding {@code dir} (or its nearest existing ancestor) has at least
   * {@code bytes} usable bytes.
   *
   * @param dir the directory that will receive the data
   * @param bytes how many bytes are needed
   * @throws StorageException if fewer are usable; the message says how much is needed, how much is
   *     usable and where
   */
  public static void ensureFreeSpace(Path dir, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
    Path p = dir.toAbsolutePath().normalize();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new StorageException("no existing ancestor of " + dir + " to check free space on");
    }
    long usable;
    try {
      FileStore store = Files.getFileStore(p);
      usable = store.getUsableSpace();
    } catch (IOException e) {
      throw new StorageException("cannot read the free space of " + p + ": " + e, e);
    }
    if (usable < bytes) {
      throw new StorageException(
          "not enough free space in "
              + dir
              + ": "
              + human(bytes)
              + " ("
              + bytes
              + " bytes) needed, "
              + human(usable)
              + " ("
              + usable
              + " bytes) usable");
    }
  }

  /**
   * The SHA-256 of a file's contents.
   *
   * @param file the file
   * @return 64 lower-case hex digits
   * @throws StorageException if it cannot be read
   */
  public static String sha256(Path file) {
    MessageDigest md = sha256Digest();
    byte[] buf = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + " to hash it: " + e, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The SHA-256 of some bytes.
   *
   * @param bytes the bytes
   * @return 64 lower-case hex digits
   */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  private static Installed commit(
      Path temp, Path target, long size, String digest, Expected expected) throws IOException {
    if (expected.size() >= 0 && expected.size() != size) {
      throw new StorageException(
          "size mismatch installing "
              + target
              + ": expected "
              + expected.size()
              + " bytes, got "
              + size
              + "; target left untouched");
    }
    if (expected.sha256() != null && !expected.sha256().equals(digest)) {
      throw new StorageException(
          "SHA-256 mismatch installing "
              + target
              + ": expected "
              + expected.sha256()
              + ", got "
              + digest
              + "; target left untouched");
    }
    try {
      Files.setPosixFilePermissions(temp, READABLE);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its default permissions apply.
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new StorageException(
          "the file system of "
              + target
              + " cannot rename atomically; refusing a non-atomic install",
          e);
    }
    fsyncDirectory(parentOf(target));
    return new Installed(target.toAbsolutePath().normalize(), size, digest);
  }

  /**
   * Fsyncs a directory so that a rename or a new file in it survives a crash. Best effort on
   * platforms that cannot open directories.
   *
   * @param dir the directory
   */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  private static Path parentOf(Path target) {
    Objects.requireNonNull(target, "target");
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      throw new IllegalArgumentException("target must be a file path, got " + target);
    }
    return parent;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create directory " + dir + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.debug("cannot delete {}: {}", p, e.toString());
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String human(long bytes) {
    double gb = bytes / (1024.0 * 1024 * 1024);
    if (gb >= 1) {
      return String.format(Locale.ROOT, "%.2f GiB", gb);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
