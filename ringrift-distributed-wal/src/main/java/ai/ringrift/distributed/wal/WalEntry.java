package ai.ringrift.distributed.wal;

import ai.ringrift.distributed.wal.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One appended entry: its id (unique and increasing within a WAL directory), type, payload bytes,
 * the time it was appended and its optional idempotency key. Immutable and thread-safe; the payload
 * is copied in and out.
 */
public final class WalEntry {
  private final long id;
  private final WalEntryType type;
  private final byte[] payload;
  private final Instant createdAt;
  private final @Nullable String idempotencyKey;

  /**
   * Creates an entry. Callers normally get entries from {@link UnifiedWal#pendingEntries()}; this
   * constructor exists for tests and adapters.
   *
   * @param id the entry id, positive
   * @param type the entry type
   * @param payload the payload bytes (copied)
   * @param createdAt when it was appended
   * @param idempotencyKey the key given to the append, or {@code null}
   */
  public WalEntry(
      long id,
      WalEntryType type,
      byte[] payload,
      Instant createdAt,
      @Nullable String idempotencyKey) {
    if (id <= 0) {
      throw new IllegalArgumentException("entry id must be positive: " + id);
    }
    this.id = id;
    this.type = Objects.requireNonNull(type, "type");
    this.payload = payload.clone();
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.idempotencyKey = idempotencyKey;
  }

  /**
   * The entry id, as returned by the append.
   *
   * @return a positive id
   */
  public long id() {
    return id;
  }

  /**
   * The entry type.
   *
   * @return the type
   */
  public WalEntryType type() {
    return type;
  }

  /**
   * A copy of the payload bytes.
   *
   * @return a new array
   */
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * The payload as a read-only buffer, without copying.
   *
   * @return a read-only view of the payload
   */
  public ByteBuffer payloadBuffer() {
    return ByteBuffer.wrap(payload).asReadOnlyBuffer();
  }

  /**
   * The payload size.
   *
   * @return the number of payload bytes
   */
  public int payloadSize() {
    return payload.length;
  }

  /**
   * The payload parsed as JSON.
   *
   * @return the JSON tree
   * @throws WalException if the payload is not JSON (it was appended as raw bytes)
   */
  public JsonNode json() {
    try {
      return Json.MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new WalException("payload of WAL entry " + id + " is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The payload bound to a class with Jackson.
   *
   * @param <T> the target type
   * @param type the class to bind to
   * @return the bound value
   * @throws WalException if the payload is not JSON or does not fit {@code type}
   */
  public <T> T payloadAs(Class<T> type) {
    try {
      return Json.MAPPER.readValue(payload, type);
    } catch (IOException e) {
      throw new WalException(
          "payload of WAL entry " + id + " does not bind to " + type.getName() + ": " + e, e);
    }
  }

  /**
   * The payload decoded as UTF-8 text.
   *
   * @return the text
   */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * When the entry was appended, by the WAL's clock.
   *
   * @return the instant, millisecond precision
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * The idempotency key given to the append, if any.
   *
   * @return the key, or empty
   */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WalEntry)) {
      return false;
    }
    WalEntry e = (WalEntry) o;
    return id == e.id
        && type.equals(e.type)
        && Arrays.equals(payload, e.payload)
        && createdAt.equals(e.createdAt)
        && Objects.equals(idempotencyKey, e.idempotencyKey);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "WalEntry{id="
        + id
        + ", type="
        + type
        + ", payload="
        + payload.length
        + " bytes, createdAt="
        + createdAt
        + (idempotencyKey == null ? "" : ", key=" + idempotencyKey)
        + "}";
  }
}
