package ai.ringrift.distributed.storage.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed mount table in the {@code /proc/self/mounts} format: {@code device mountpoint fstype
 * options dump pass}, with blanks in fields escaped as octal ({@code \040}).
 */
public final class MountTable {
  /** File system types whose files live on another machine (SQLite must not use WAL on them). */
  private static final Set<String> NETWORK_TYPES =
      Set.of(
          "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "lustre", "virtiofs", "9p");

  /**
   * One mount.
   *
   * @param mountPoint where it is mounted
   * @param type the file system type, e.g. {@code nfs4}
   */
  public record Mount(Path mountPoint, String type) {}

  private final List<Mount> mounts;

  private MountTable(List<Mount> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /**
   * Parses mount-table text; malformed lines are skipped.
   *
   * @param text the table's contents
   * @return the table
   */
  public static MountTable parse(String text) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3 || f[0].startsWith("#")) {
        continue;
      }
      String point = unescape(f[1]);
      if (!point.startsWith("/")) {
        continue;
      }
      mounts.add(new Mount(Path.of(point).normalize(), f[2].toLowerCase(Locale.ROOT)));
    }
    return new MountTable(mounts);
  }

  /** An empty table: every path is on an unknown, local file system. */
  public static MountTable empty() {
    return new MountTable(List.of());
  }

  /**
   * The mount holding {@code path}: the longest mount point that is {@code path} or an ancestor of
   * it (the last one listed wins among equal mount points, as with stacked mounts).
   *
   * @param path an absolute path
   * @return the mount, or empty if none covers it
   */
  public Optional<Mount> mountOf(Path path) {
    Path p = path.toAbsolutePath().normalize();
    Mount best = null;
    for (Mount m : mounts) {
      if (p.startsWith(m.mountPoint())
          && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
        best = m;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Whether {@code path} lives on a network file system (NFS, CIFS, Ceph, ...).
   *
   * @param path an absolute path
   * @return true if the mount holding it is a network file system
   */
  public boolean isNetwork(Path path) {
    return mountOf(path).map(m -> isNetworkType(m.type())).orElse(false);
  }

  /**
   * Whether {@code path} lives on a RAM-backed file system (tmpfs, ramfs).
   *
   * @param path an absolute path
   * @return true if the mount holding it is tmpfs or ramfs
   */
  public boolean isRam(Path path) {
    return mountOf(path)
        .map(m -> m.type().equals("tmpfs") || m.type().equals("ramfs"))
        .orElse(false);
  }

  static boolean isNetworkType(String type) {
    return NETWORK_TYPES.contains(type) || type.startsWith("nfs") || type.startsWith("fuse.sshfs");
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the current process's mount table; an unreadable table yields an empty one.
   *
   * @return the table of {@code /proc/self/mounts}
   */
  public static MountTable current() {
    try {
      return parse(java.nio.file.Files.readString(Path.of("/proc/self/mounts")));
    } catch (java.io.IOException | RuntimeException e) {
      return empty();
    }
  }
}
