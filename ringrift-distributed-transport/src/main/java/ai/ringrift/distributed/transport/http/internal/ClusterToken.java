package ai.ringrift.distributed.transport.http.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Where the cluster token comes from, and how a presented one is checked. */
public final class ClusterToken {
  /** The variable holding the token itself. */
  public static final String ENV_TOKEN = "RINGRIFT_CLUSTER_AUTH_TOKEN";

  /** The variable naming a file that holds the token. */
  public static final String ENV_TOKEN_FILE = "RINGRIFT_CLUSTER_AUTH_TOKEN_FILE";

  private ClusterToken() {}

  /**
   * The token as the Python cluster finds it: {@code RINGRIFT_CLUSTER_AUTH_TOKEN}, else the
   * (trimmed) content of the file named by {@code RINGRIFT_CLUSTER_AUTH_TOKEN_FILE}.
   *
   * @param env the environment to read
   * @return the token, or empty when neither is set
   * @throws UncheckedIOException if the token file is named but cannot be read
   * @throws IllegalArgumentException if the token file is empty
   */
  public static Optional<String> fromEnv(Map<String, String> env) {
    String direct = env.get(ENV_TOKEN);
    if (direct != null && !direct.isBlank()) {
      return Optional.of(direct.strip());
    }
    String file = env.get(ENV_TOKEN_FILE);
    if (file == null || file.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(file.strip());
    try {
      String t = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException(ENV_TOKEN_FILE + " names an empty file: " + p);
      }
      return Optional.of(t);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster token file " + p, e);
    }
  }

  /**
   * Whether a request presents the token, as {@code Authorization: Bearer <token>} or {@code
   * X-RingRift-Auth: <token>}, compared in constant time.
   *
   * @param expected the cluster token
   * @param authorization the {@code Authorization} header, or {@code null}
   * @param xRingRiftAuth the {@code X-RingRift-Auth} header, or {@code null}
   * @return whether either header carries the token
   */
  public static boolean matches(
      String expected, @Nullable String authorization, @Nullable String xRingRiftAuth) {
    byte[] want = expected.getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ok |=
          MessageDigest.isEqual(
              want, authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }
    if (xRingRiftAuth != null) {
      ok |= MessageDigest.isEqual(want, xRingRiftAuth.strip().getBytes(StandardCharsets.UTF_8));
    }
    return ok;
  }
}
