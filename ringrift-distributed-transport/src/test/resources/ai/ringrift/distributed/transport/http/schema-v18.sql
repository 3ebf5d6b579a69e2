-- The schema-v18 game replay database as the Python selfplay creates it
-- (app/db/game_replay.py, SCHEMA_VERSION = 18), written independently of the library's
-- SchemaV18 so that a test can compare the two. Statements are separated by ';;'.
CREATE TABLE IF NOT EXISTS schema_metadata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);;
CREATE TABLE IF NOT EXISTS games (
    game_id TEXT PRIMARY KEY,
    board_type TEXT NOT NULL,
    num_players INTEGER NOT NULL,
    rng_seed INTEGER,
    created_at TEXT NOT NULL,
    completed_at TEXT,
    game_status TEXT NOT NULL,
    winner INTEGER,
    termination_reason TEXT,
    total_moves INTEGER NOT NULL,
    total_turns INTEGER NOT NULL,
    duration_ms INTEGER,
    source TEXT,
    schema_version INTEGER NOT NULL,
    -- v2 additions: time control
    time_control_type TEXT DEFAULT 'none',
    initial_time_ms INTEGER,
    time_increment_ms INTEGER,
    -- v5: full recording metadata as JSON
    metadata_json TEXT,
    -- v9: quality scoring
    quality_score REAL,
    quality_category TEXT,
    engine_mode TEXT,
    parity_status TEXT DEFAULT 'pending',
    parity_checked_at TEXT,
    parity_divergence_move INTEGER,
    opponent_type TEXT,
    opponent_model_id TEXT
);;
CREATE INDEX IF NOT EXISTS idx_games_board_type ON games(board_type);;
CREATE INDEX IF NOT EXISTS idx_games_winner ON games(winner);;
CREATE INDEX IF NOT EXISTS idx_games_termination ON games(termination_reason);;
CREATE INDEX IF NOT EXISTS idx_games_created ON games(created_at);;
CREATE INDEX IF NOT EXISTS idx_games_source ON games(source);;
CREATE INDEX IF NOT EXISTS idx_games_board_players ON games(board_type, num_players);;
CREATE INDEX IF NOT EXISTS idx_games_created_board ON games(created_at, board_type);;
CREATE INDEX IF NOT EXISTS idx_games_board_created ON games(board_type, created_at);;
CREATE INDEX IF NOT EXISTS idx_games_quality ON games(quality_score DESC);;
CREATE INDEX IF NOT EXISTS idx_games_quality_board ON games(board_type, quality_score DESC);;
CREATE INDEX IF NOT EXISTS idx_games_engine_mode ON games(engine_mode);;
CREATE INDEX IF NOT EXISTS idx_games_board_engine ON games(board_type, engine_mode);;
CREATE INDEX IF NOT EXISTS idx_games_parity_status ON games(parity_status);;
CREATE INDEX IF NOT EXISTS idx_games_board_parity ON games(board_type, parity_status);;
CREATE INDEX IF NOT EXISTS idx_games_parity_created ON games(parity_status, created_at);;
CREATE INDEX IF NOT EXISTS idx_games_config ON games(board_type, num_players, game_status);;
CREATE INDEX IF NOT EXISTS idx_games_opponent_type ON games(opponent_type);;
CREATE INDEX IF NOT EXISTS idx_games_board_opponent ON games(board_type, opponent_type);;
CREATE TABLE IF NOT EXISTS game_players (
    game_id TEXT NOT NULL,
    player_number INTEGER NOT NULL,
    player_type TEXT NOT NULL,
    ai_type TEXT,
    ai_difficulty INTEGER,
    ai_profile_id TEXT,
    final_eliminated_rings INTEGER,
    final_territory_spaces INTEGER,
    final_rings_in_hand INTEGER,
    PRIMARY KEY (game_id, player_number),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE TABLE IF NOT EXISTS game_initial_state (
    game_id TEXT PRIMARY KEY,
    initial_state_json TEXT NOT NULL,
    compressed INTEGER DEFAULT 0,
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE TABLE IF NOT EXISTS game_moves (
    game_id TEXT NOT NULL,
    move_number INTEGER NOT NULL,
    turn_number INTEGER NOT NULL,
    player INTEGER NOT NULL,
    phase TEXT NOT NULL,
    move_type TEXT NOT NULL,
    move_json TEXT NOT NULL,
    timestamp TEXT,
    think_time_ms INTEGER,
    time_remaining_ms INTEGER,
    engine_eval REAL,
    engine_eval_type TEXT,
    engine_depth INTEGER,
    engine_nodes INTEGER,
    engine_pv TEXT,
    engine_time_ms INTEGER,
    move_probs TEXT,
    search_stats_json TEXT,
    heuristic_features BLOB,
    PRIMARY KEY (game_id, move_number),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE INDEX IF NOT EXISTS idx_moves_game_turn ON game_moves(game_id, turn_number);;
CREATE INDEX IF NOT EXISTS idx_moves_lookup ON game_moves(game_id, move_number);;
CREATE INDEX IF NOT EXISTS idx_moves_player ON game_moves(game_id, player);;
CREATE TABLE IF NOT EXISTS game_state_snapshots (
    game_id TEXT NOT NULL,
    move_number INTEGER NOT NULL,
    state_json TEXT NOT NULL,
    compressed INTEGER DEFAULT 0,
    state_hash TEXT,
    PRIMARY KEY (game_id, move_number),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE TABLE IF NOT EXISTS game_choices (
    game_id TEXT NOT NULL,
    move_number INTEGER NOT NULL,
    choice_type TEXT NOT NULL,
    player INTEGER NOT NULL,
    options_json TEXT NOT NULL,
    selected_option_json TEXT NOT NULL,
    ai_reasoning TEXT,
    PRIMARY KEY (game_id, move_number, choice_type),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE TABLE IF NOT EXISTS game_history_entries (
    game_id TEXT NOT NULL,
    move_number INTEGER NOT NULL,
    player INTEGER NOT NULL,
    phase_before TEXT NOT NULL,
    phase_after TEXT NOT NULL,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    progress_before_json TEXT NOT NULL,
    progress_after_json TEXT NOT NULL,
    state_hash_before TEXT,
    state_hash_after TEXT,
    board_summary_before_json TEXT,
    board_summary_after_json TEXT,
    state_before_json TEXT,
    state_after_json TEXT,
    compressed_states INTEGER DEFAULT 0,
    available_moves_json TEXT,
    available_moves_count INTEGER,
    engine_eval REAL,
    engine_depth INTEGER,
    fsm_valid INTEGER,  -- 1 = valid, 0 = invalid, NULL = not checked
    fsm_error_code TEXT,
    PRIMARY KEY (game_id, move_number),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE INDEX IF NOT EXISTS idx_history_game ON game_history_entries(game_id);;
CREATE INDEX IF NOT EXISTS idx_history_game_phase ON game_history_entries(game_id, phase_before);;
CREATE INDEX IF NOT EXISTS idx_history_game_player ON game_history_entries(game_id, player);;
CREATE TABLE IF NOT EXISTS game_nnue_features (
    game_id TEXT NOT NULL,
    move_number INTEGER NOT NULL,
    player_perspective INTEGER NOT NULL,
    features BLOB NOT NULL,
    value REAL NOT NULL,
    board_type TEXT NOT NULL,
    feature_dim INTEGER NOT NULL,
    PRIMARY KEY (game_id, move_number, player_perspective),
    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE
);;
CREATE INDEX IF NOT EXISTS idx_nnue_game ON game_nnue_features(game_id);;
CREATE INDEX IF NOT EXISTS idx_nnue_board_type ON game_nnue_features(board_type);;
CREATE TABLE IF NOT EXISTS orphaned_games (
    game_id TEXT PRIMARY KEY,
    detected_at TEXT NOT NULL,
    reason TEXT,
    original_status TEXT,
    board_type TEXT,
    num_players INTEGER
);;
CREATE INDEX IF NOT EXISTS idx_orphaned_detected ON orphaned_games(detected_at);;
CREATE TRIGGER IF NOT EXISTS enforce_moves_on_complete
BEFORE UPDATE ON games
WHEN NEW.game_status IN ('completed', 'finished') AND NEW.total_moves < 5
BEGIN
    SELECT RAISE(ABORT, 'Cannot complete game with fewer than 5 moves. Move data must be inserted before completing the game.');
END;;
CREATE TRIGGER IF NOT EXISTS enforce_moves_on_insert
AFTER INSERT ON games
WHEN NEW.game_status IN ('completed', 'finished')
BEGIN
    SELECT CASE
        WHEN (SELECT COUNT(*) FROM game_moves WHERE game_id = NEW.game_id) < 5
        THEN RAISE(ABORT, 'Cannot insert completed game with fewer than 5 moves. Move data must be inserted before completing the game.')
    END;
END;;
INSERT OR REPLACE INTO schema_metadata (key, value) VALUES ('schema_version', '18');;
