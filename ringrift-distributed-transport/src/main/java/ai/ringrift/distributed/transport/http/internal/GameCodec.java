package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.transport.http.GamePayload;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The game document of the SQLite game store (version 1):
 *
 * <pre>{@code
 * {"game_id": "...", "v": 1,
 *  "game": {"game_id": "...", "board_type": "hex8", ...},          // the games row
 *  "rows": {"game_moves": [{...}, ...], "game_players": [...], ...}} // child rows, PK order
 * }</pre>
 *
 * Column values: JSON null, integer (SQLite INTEGER), number with a fraction or exponent (REAL,
 * written so it reads back to the same double), string (TEXT), or {@code {"$b": "<base64>"}} (BLOB,
 * byte for byte). Streaming (Jackson core): no tree in memory.
 */
public final class GameCodec {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private GameCodec() {}

  /**
   * Encodes a game.
   *
   * @param g the game
   * @return its payload
   */
  public static GamePayload encode(GameRecord g) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    try (JsonGenerator w = JSON.createGenerator(buf)) {
      w.writeStartObject();
      w.writeStringField("game_id", g.gameId());
      w.writeNumberField("v", 1);
      w.writeFieldName("game");
      row(w, g.game());
      w.writeFieldName("rows");
      w.writeStartObject();
      for (String t : g.tables()) {
        w.writeFieldName(t);
        w.writeStartArray();
        for (Map<String, @Nullable Object> r : g.rows(t)) {
          row(w, r);
        }
        w.writeEndArray();
      }
      w.writeEndObject();
      w.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode game " + g.gameId(), e);
    }
    return new GamePayload(g.gameId(), buf.toByteArray());
  }

  private static void row(JsonGenerator w, Map<String, @Nullable Object> row) throws IOException {
    w.writeStartObject();
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      w.writeFieldName(e.getKey());
      Object v = e.getValue();
      if (v == null) {
        w.writeNull();
      } else if (v instanceof Long l) {
        w.writeNumber(l);
      } else if (v instanceof Double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
          w.writeNumber(d.toString()); // keeps the ".0" so it reads back as REAL
        } else {
          w.writeNumber(d);
        }
      } else if (v instanceof String s) {
        w.writeString(s);
      } else if (v instanceof byte[] b) {
        w.writeStartObject();
        w.writeStringField("$b", Base64.getEncoder().encodeToString(b));
        w.writeEndObject();
      } else {
        throw new IOException("unsupported value type " + v.getClass().getName());
      }
    }
    w.writeEndObject();
  }

  /**
   * Decodes a game.
   *
   * @param p the payload
   * @return the game
   * @throws IOException if the document is malformed
   */
  public static GameRecord decode(GamePayload p) throws IOException {
    Map<String, @Nullable Object> game = null;
    Map<String, List<Map<String, @Nullable Object>>> rows = new LinkedHashMap<>();
    try (JsonParser r = JSON.createParser(p.json())) {
      expect(r.nextToken(), JsonToken.START_OBJECT, p);
      while (r.nextToken() == JsonToken.FIELD_NAME) {
        String f = r.currentName();
        r.nextToken();
        switch (f) {
          case "game" -> game = row(r, p);
          case "rows" -> {
            expect(r.currentToken(), JsonToken.START_OBJECT, p);
            while (r.nextToken() == JsonToken.FIELD_NAME) {
              String table = r.currentName();
              expect(r.nextToken(), JsonToken.START_ARRAY, p);
              List<Map<String, @Nullable Object>> list = new ArrayList<>();
              while (r.nextToken() != JsonToken.END_ARRAY) {
                list.add(row(r, p));
              }
              rows.put(table, list);
            }
          }
          default -> r.skipChildren();
        }
      }
    }
    if (game == null) {
      throw new IOException("game document " + p.gameId() + " has no games row");
    }
    if (!p.gameId().equals(game.get("game_id"))) {
      throw new IOException(
          "game document " + p.gameId() + " holds the row of " + game.get("game_id"));
    }
    try {
      return GameRecord.of(game, rows);
    } catch (IllegalArgumentException e) {
      throw new IOException("game document " + p.gameId() + " is invalid: " + e.getMessage(), e);
    }
  }

  private static Map<String, @Nullable Object> row(JsonParser r, GamePayload p) throws IOException {
    expect(r.currentToken(), JsonToken.START_OBJECT, p);
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    while (r.nextToken() == JsonToken.FIELD_NAME) {
      String col = r.currentName();
      JsonToken t = r.nextToken();
      Object v =
          switch (t) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> r.getLongValue();
            case VALUE_NUMBER_FLOAT -> r.getDoubleValue();
            case VALUE_STRING -> r.getText();
            case START_OBJECT -> blob(r, p);
            default ->
                throw new IOException(
                    "game " + p.gameId() + " column " + col + ": unexpected " + t);
          };
      row.put(col, v);
    }
    return row;
  }

  private static byte[] blob(JsonParser r, GamePayload p) throws IOException {
    if (r.nextToken() != JsonToken.FIELD_NAME || !"$b".equals(r.currentName())) {
      throw new IOException("game " + p.gameId() + ": an object value is not a {\"$b\": ...} BLOB");
    }
    r.nextToken();
    byte[] b;
    try {
      b = Base64.getDecoder().decode(r.getText());
    } catch (IllegalArgumentException e) {
      throw new IOException("game " + p.gameId() + ": bad base64 BLOB", e);
    }
    expect(r.nextToken(), JsonToken.END_OBJECT, p);
    return b;
  }

  private static void expect(@Nullable JsonToken got, JsonToken want, GamePayload p)
      throws IOException {
    if (got != want) {
      throw new IOException("game document " + p.gameId() + ": expected " + want + ", got " + got);
    }
  }
}
