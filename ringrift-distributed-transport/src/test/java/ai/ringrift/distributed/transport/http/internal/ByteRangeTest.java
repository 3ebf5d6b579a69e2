package ai.ringrift.distributed.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ByteRange parses single byte ranges")
class ByteRangeTest {
  @Test
  void shouldParseTheThreeForms() {
    assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 100));
    assertThat(ByteRange.parse("bytes=900-", 1000)).isEqualTo(new ByteRange(900, 100));
    assertThat(ByteRange.parse("bytes=-10", 1000)).isEqualTo(new ByteRange(990, 10));
    assertThat(ByteRange.parse("bytes=990-5000", 1000)).isEqualTo(new ByteRange(990, 10));
    assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 1000));
  }

  @Test
  void shouldIgnoreWhatItDoesNotSupportAndRefuseWhatCannotBeSatisfied() {
    assertThat(ByteRange.parse(null, 10)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,5-6", 10)).isNull();
    assertThat(ByteRange.parse("items=0-1", 10)).isNull();
    assertThat(ByteRange.parse("bytes=5-2", 10)).isNull();
    assertThat(ByteRange.parse("bytes=x-2", 10)).isNull();
    assertThat(ByteRange.parse("bytes=10-", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 10)).isSameAs(ByteRange.UNSATISFIABLE);
  }
}
