package ai.ringrift.distributed.core;

/** What a sync moves; each category has a default directory relative to the node's root. */
public enum SyncCategory {
  /** Completed games from schema-v18 SQLite databases, moved game by game. */
  GAMES("data/games"),
  /** Model checkpoints ({@code .pth}, {@code .pt}, {@code .onnx}, ...), moved content-addressed. */
  MODELS("models"),
  /** NPZ training files, moved content-addressed. */
  TRAINING_DATA("data/training"),
  /** Configuration files, taken from the coordinating node. */
  CONFIGS("config");

  private final String defaultPath;

  SyncCategory(String defaultPath) {
    this.defaultPath = defaultPath;
  }

  /**
   * The category's directory relative to the node's root when the configuration names none.
   *
   * @return a relative path such as {@code data/games}
   */
  public String defaultPath() {
    return defaultPath;
  }
}
