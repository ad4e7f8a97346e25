package dev.odometer.bench;

import dev.odometer.Metered;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of metering: the same small method, plain and with {@code @Metered}, in one
 * JVM that runs the real agent jar (run-jmh.sh passes {@code -javaagent}). The difference of the
 * two rows is what Odometer adds to a call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class MeteredCallBenchmark {
    private final Service service = new Service();

    @Benchmark
    public long plain() {
        return service.plain();
    }

    @Benchmark
    public long metered() {
        return service.metered();
    }

    @Benchmark
    @Threads(2)
    public long plainTwoThreads() {
        return service.plain();
    }

    @Benchmark
    @Threads(2)
    public long meteredTwoThreads() {
        return service.metered();
    }

    /** A billable operation small enough that the metering cost is not hidden by its own. */
    public static class Service {
        private long calls;

        public long plain() {
            return ++calls;
        }

        @Metered("call")
        public long metered() {
            return ++calls;
        }
    }
}
