package ai.ringrift.distributed.transport.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The one JSON mapper of the transport (immutable once configured, so shared). */
public final class Json {
  /** The mapper: unknown properties ignored, so newer peers can add fields. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  /**
   * Serialises a value.
   *
   * @param value maps, lists, records, strings, numbers
   * @return UTF-8 JSON
   */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /**
   * Parses a JSON object.
   *
   * @param json UTF-8 JSON
   * @return the object as a map
   * @throws IOException if it is not a JSON object
   */
  public static Map<String, Object> object(byte[] json) throws IOException {
    Map<String, Object> m = MAPPER.readValue(json, MAP);
    if (m == null) {
      throw new IOException("expected a JSON object, got null");
    }
    return m;
  }
}
