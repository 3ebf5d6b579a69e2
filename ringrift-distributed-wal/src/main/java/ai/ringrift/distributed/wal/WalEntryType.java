package ai.ringrift.distributed.wal;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The type of a WAL entry: one of the five built-in types of the seed README or a caller-defined
 * one made with {@link #of(String)}. Two types are equal when their names are equal. Immutable and
 * thread-safe.
 */
public final class WalEntryType {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

  /** A new game was recorded to a database. */
  public static final WalEntryType GAME_RECORDED = new WalEntryType("GAME_RECORDED");

  /** A training checkpoint was saved. */
  public static final WalEntryType MODEL_TRAINED = new WalEntryType("MODEL_TRAINED");

  /** A sync operation was started. */
  public static final WalEntryType SYNC_STARTED = new WalEntryType("SYNC_STARTED");

  /** A sync operation finished. */
  public static final WalEntryType SYNC_COMPLETED = new WalEntryType("SYNC_COMPLETED");

  /** A data export was started. */
  public static final WalEntryType EXPORT_STARTED = new WalEntryType("EXPORT_STARTED");

  private static final Map<String, WalEntryType> BUILT_IN =
      Map.of(
          GAME_RECORDED.name, GAME_RECORDED,
          MODEL_TRAINED.name, MODEL_TRAINED,
          SYNC_STARTED.name, SYNC_STARTED,
          SYNC_COMPLETED.name, SYNC_COMPLETED,
          EXPORT_STARTED.name, EXPORT_STARTED);

  private final String name;

  private WalEntryType(String name) {
    this.name = name;
  }

  /**
   * The type with this name: the built-in constant if the name is one of theirs, otherwise a
   * caller-defined type.
   *
   * @param name 1 to 200 characters from {@code A-Z a-z 0-9 _ . : -}
   * @return the type
   * @throws IllegalArgumentException if the name is empty, too long or has other characters
   */
  public static WalEntryType of(String name) {
    Objects.requireNonNull(name, "name");
    WalEntryType builtIn = BUILT_IN.get(name);
    if (builtIn != null) {
      return builtIn;
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "entry type name must be 1-200 characters of [A-Za-z0-9_.:-]: '" + name + "'");
    }
    return new WalEntryType(name);
  }

  /**
   * The type's name, as written to disk.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Whether this is one of the five types the seed README defines.
   *
   * @return {@code true} for a built-in type
   */
  public boolean isBuiltIn() {
    return BUILT_IN.get(name) == this;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof WalEntryType && ((WalEntryType) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
