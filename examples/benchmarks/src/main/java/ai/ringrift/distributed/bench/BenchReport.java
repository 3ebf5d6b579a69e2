package ai.ringrift.distributed.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The figures of one benchmark run: rows that compare ours with a baseline, each with its ratio and
 * the target the issue set, plus free-form notes (machine, sizes).
 */
public final class BenchReport {
  /**
   * One compared figure.
   *
   * @param metric what was measured, e.g. {@code durable appends/s, 64 appenders}
   * @param unit the unit of {@code ours} and {@code baseline}
   * @param ours our figure
   * @param baselineName the tool compared with
   * @param baseline its figure
   * @param higherIsBetter whether a larger figure is better (throughput) or worse (latency)
   * @param target the ratio the issue asks for (ours/baseline when higher is better, baseline/ours
   *     otherwise), or {@code null} if none
   */
  public record Row(
      String metric,
      String unit,
      double ours,
      String baselineName,
      double baseline,
      boolean higherIsBetter,
      @Nullable Double target) {

    /**
     * How many times better ours is: ours/baseline for throughput, baseline/ours for latency.
     *
     * @return the ratio, {@code NaN} when a figure is zero
     */
    public double ratio() {
      if (ours == 0 || baseline == 0) {
        return Double.NaN;
      }
      return higherIsBetter ? ours / baseline : baseline / ours;
    }

    /**
     * Whether the ratio meets the target; {@code true} when there is no target.
     *
     * @return whether the target is met
     */
    public boolean meetsTarget() {
      return target == null || ratio() >= target;
    }
  }

  private final String name;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> notes = new LinkedHashMap<>();

  /**
   * Starts an empty report.
   *
   * @param name the benchmark's name
   */
  public BenchReport(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Adds a compared figure.
   *
   * @param row the figure
   * @return this report
   */
  public BenchReport add(Row row) {
    rows.add(Objects.requireNonNull(row, "row"));
    return this;
  }

  /**
   * Adds a note printed under the table and kept in the JSON (sizes, counts, machine facts).
   *
   * @param key the note's name
   * @param value its value (a number, string or boolean)
   * @return this report
   */
  public BenchReport note(String key, Object value) {
    notes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** The benchmark's name. @return the name */
  public String name() {
    return name;
  }

  /** The compared figures, in the order added. @return an unmodifiable list */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The notes, in the order added. @return an unmodifiable map */
  public Map<String, Object> notes() {
    return Map.copyOf(notes);
  }

  /** Notes in insertion order, for rendering. */
  Map<String, Object> orderedNotes() {
    return new LinkedHashMap<>(notes);
  }

  /**
   * Renders the report as a text table, one row per figure, with the ratio and the target.
   *
   * @return the table
   */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-44s %14s %14s %-22s %8s %8s %s",
            "metric",
            "ours",
            "baseline",
            "baseline tool",
            "ratio",
            "target",
            "unit");
    sb.append("benchmark: ").append(name).append('\n').append(header).append('\n');
    sb.append("-".repeat(header.length())).append('\n');
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-44s %14s %14s %-22s %8s %8s %s%s%n",
              r.metric(),
              fmt(r.ours()),
              fmt(r.baseline()),
              r.baselineName(),
              Double.isNaN(r.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.ratio()),
              r.target() == null ? "-" : String.format(Locale.ROOT, ">=%.2fx", r.target()),
              r.unit(),
              r.meetsTarget() ? "" : "   <-- below target"));
    }
    for (Map.Entry<String, Object> n : notes.entrySet()) {
      sb.append("  ").append(n.getKey()).append(": ").append(n.getValue()).append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.1f" : "%.3f", v);
  }
}
