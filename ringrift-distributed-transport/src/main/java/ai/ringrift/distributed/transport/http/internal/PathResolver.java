package ai.ringrift.distributed.transport.http.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resolves a client-supplied relative path inside a root, refusing anything that could leave it.
 * Checks, in order: characters (NUL, backslash, a {@code %} left after decoding, i.e. a double
 * encoding), segments ({@code ..}, {@code .}, empty), the normalised path staying under the root,
 * and finally the real path (symlinks followed) staying under the real root. Blocking (file
 * system): call on the blocking executor.
 */
public final class PathResolver {
  private PathResolver() {}

  /** A path that was refused or not found; {@link #status} is the HTTP status to answer. */
  public static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    /** 400 (bad path), 403 (escapes the root) or 404 (does not exist). */
    public final int status;

    Rejected(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * Checks a decoded relative path's syntax and returns it with separators normalised to {@code /};
   * a leading {@code /} is dropped as the Python service does.
   *
   * @param raw the path as decoded from the URL (once)
   * @return the relative path
   * @throws Rejected with 400 if it is not a plain relative path
   */
  public static String checkSyntax(String raw) throws Rejected {
    String p = raw;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      throw new Rejected(400, "empty path");
    }
    if (p.length() > 4096) {
      throw new Rejected(400, "path longer than 4096 characters");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == 0 || c == '\\' || c == '%' || c < 0x20 || c == 0x7f) {
        throw new Rejected(400, "path contains a forbidden character (NUL, control, \\ or %)");
      }
    }
    if (p.matches("^[A-Za-z]:.*")) {
      throw new Rejected(400, "absolute path");
    }
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new Rejected(400, "path has an empty, '.' or '..' segment");
      }
    }
    return p;
  }

  /**
   * Resolves {@code relative} under {@code root} to an existing regular file whose real path is
   * inside the real root.
   *
   * @param root the category root (absolute, normalised)
   * @param relative the client's path, decoded once
   * @return the file (its real path)
   * @throws Rejected 400 for a bad path, 403 for an escape through a symlink, 404 if missing or not
   *     a regular file
   */
  public static Path resolveFile(Path root, String relative) throws Rejected {
    String rel = checkSyntax(relative);
    Path candidate;
    try {
      candidate = root.resolve(rel).normalize();
    } catch (InvalidPathException e) {
      throw new Rejected(400, "invalid path");
    }
    if (!candidate.startsWith(root) || candidate.equals(root)) {
      throw new Rejected(400, "path leaves its root");
    }
    Path real;
    Path realRoot;
    try {
      realRoot = root.toRealPath();
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Rejected(404, "not found");
    } catch (IOException e) {
      throw new Rejected(404, "not found");
    }
    if (!real.startsWith(realRoot)) {
      throw new Rejected(403, "path leaves its root through a symbolic link");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new Rejected(404, "not a regular file");
    }
    return real;
  }
}
