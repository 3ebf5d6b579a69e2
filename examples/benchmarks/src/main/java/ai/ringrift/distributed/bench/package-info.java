/**
 * Benchmarks that measure ringrift-distributed side by side with a baseline tool in one run and
 * report ratios. Run them with {@code scripts/bench NAME}; each writes its figures as JSON to
 * {@code target/bench/NAME.json} and prints them as a table.
 */
@NullMarked
package ai.ringrift.distributed.bench;

import org.jspecify.annotations.NullMarked;
