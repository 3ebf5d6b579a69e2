package ai.ringrift.distributed.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Entry point of {@code scripts/bench}: {@code list} names the benchmarks, {@code NAME [--quick]}
 * runs one, prints its table and writes {@code <out>/NAME.json}.
 */
public final class BenchMain {
  private BenchMain() {}

  /**
   * Runs the command line.
   *
   * @param args {@code list}, or a benchmark name optionally followed by {@code --quick}
   */
  public static void main(String[] args) {
    Path out = Path.of(System.getProperty("ringrift.bench.out", "target/bench"));
    int code = run(args, loadAll(), out, System.out, System.err);
    System.exit(code);
  }

  static List<Benchmark> loadAll() {
    List<Benchmark> all = new ArrayList<>();
    ServiceLoader.load(Benchmark.class).forEach(all::add);
    all.sort(Comparator.comparing(Benchmark::name));
    return all;
  }

  static int run(
      String[] args, List<Benchmark> benchmarks, Path outDir, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      err.println("usage: scripts/bench list | scripts/bench NAME [--quick]");
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("list") || args[0].equals("--list")) {
      if (benchmarks.isEmpty()) {
        out.println("no benchmarks are registered yet");
      }
      for (Benchmark b : benchmarks) {
        out.printf("%-22s %s%n", b.name(), b.description());
      }
      return 0;
    }
    String name = args[0];
    boolean quick = List.of(args).contains("--quick");
    Optional<Benchmark> found = benchmarks.stream().filter(b -> b.name().equals(name)).findFirst();
    if (found.isEmpty()) {
      err.println("unknown benchmark '" + name + "'; scripts/bench list names them");
      return 2;
    }
    Path scratch = null;
    try {
      Files.createDirectories(outDir);
      scratch = Files.createTempDirectory(outDir, name + "-scratch-");
      BenchReport report = found.get().run(new BenchContext(scratch, quick));
      out.print(report.toTable());
      Path json = outDir.resolve(name + ".json");
      Files.writeString(json, toJson(report, quick));
      out.println("figures written to " + json);
      return report.rows().stream().allMatch(BenchReport.Row::meetsTarget) ? 0 : 1;
    } catch (Exception e) {
      err.println("benchmark '" + name + "' failed: " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      if (scratch != null) {
        deleteTree(scratch);
      }
    }
  }

  static String toJson(BenchReport report, boolean quick) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("benchmark", report.name());
    root.put("time", Instant.now().toString());
    root.put("quick", quick);
    root.put("java", System.getProperty("java.version"));
    root.put("cores", Runtime.getRuntime().availableProcessors());
    ArrayNode rows = root.putArray("rows");
    for (BenchReport.Row r : report.rows()) {
      ObjectNode n = rows.addObject();
      n.put("metric", r.metric());
      n.put("unit", r.unit());
      n.put("ours", r.ours());
      n.put("baseline_tool", r.baselineName());
      n.put("baseline", r.baseline());
      n.put("higher_is_better", r.higherIsBetter());
      if (Double.isNaN(r.ratio())) {
        n.putNull("ratio");
      } else {
        n.put("ratio", r.ratio());
      }
      if (r.target() == null) {
        n.putNull("target");
      } else {
        n.put("target", r.target());
      }
      n.put("meets_target", r.meetsTarget());
    }
    ObjectNode notes = root.putObject("notes");
    for (Map.Entry<String, Object> e : report.orderedNotes().entrySet()) {
      notes.set(e.getKey(), mapper.valueToTree(e.getValue()));
    }
    return mapper.writeValueAsString(root) + "\n";
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(BenchMain::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete benchmark scratch directory " + dir, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + p, e);
    }
  }
}
