package ai.ringrift.distributed.wal.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared Jackson mapper of the WAL (thread-safe once configured). Not API. */
public final class Json {
  /** The mapper used for JSON payloads. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
