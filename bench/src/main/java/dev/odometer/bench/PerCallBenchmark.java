package dev.odometer.bench;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.odometer.Metered;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one call costs with Odometer and with what users would pick instead, all in one
 * JMH run so the rows are comparable.
 *
 * <p>Every row calls a method whose body is the same {@code return ++calls.n} on per-thread
 * state; the rows differ only in how the call is counted: not at all ({@code plain}),
 * {@code @Metered} under the Odometer agent, a hand-written Micrometer {@code Counter.increment()}
 * or Dropwizard {@code Meter.mark()} / {@code Counter.inc()}, or {@code @WithSpan} under the
 * OpenTelemetry agent.
 *
 * <p>Two agents in one JVM would distort each other (both transform every class, both inline
 * into the same methods), and an agent in a row that does not need it would make that row pay
 * for it. So each benchmark method carries its own {@code @Fork(jvmArgsAppend = ...)}: its forks
 * get exactly the agent its row needs and nothing else. JMH runs each benchmark in fresh JVMs
 * anyway, so this costs nothing in comparability. The agent paths are relative to
 * {@code bench/target}, where {@code bench/run-jmh.sh} runs JMH; the agents' own checks in
 * {@link Setup} and {@link TearDown} fail a row whose agent did not do its work, so a wrong path
 * can never pass for a fast row. Passing {@code -jvmArgsAppend} on the command line would replace
 * these per-method arguments (JMH lets the command line win): use {@code -jvmArgs} for extra flags.
 *
 * <p>Two control rows run the plain method under each agent, to show that an agent's presence
 * alone does not slow code it does not meter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PerCallBenchmark {
    static final String ODOMETER_AGENT =
            "-javaagent:agents/odometer-agent.jar=config=agents/odometer-bench.yaml";
    static final String OTEL_AGENT = "-javaagent:agents/opentelemetry-javaagent.jar";
    static final String OTEL_EXPORTERS_OFF_TRACES = "-Dotel.traces.exporter=none";
    static final String OTEL_EXPORTERS_OFF_METRICS = "-Dotel.metrics.exporter=none";
    static final String OTEL_EXPORTERS_OFF_LOGS = "-Dotel.logs.exporter=none";

    // ---- 1 thread -------------------------------------------------------------------------

    @Benchmark
    public long plain(Calls calls, Plain target) {
        return target.call(calls);
    }

    @Benchmark
    @Fork(jvmArgsAppend = ODOMETER_AGENT)
    public long odometer(Calls calls, OdometerMetered target) {
        return target.call(calls);
    }

    @Benchmark
    public long micrometer(Calls calls, MicrometerCounter target) {
        return target.call(calls);
    }

    @Benchmark
    public long dropwizardCounter(Calls calls, DropwizardCounter target) {
        return target.call(calls);
    }

    @Benchmark
    public long dropwizardMeter(Calls calls, DropwizardMeter target) {
        return target.call(calls);
    }

    @Benchmark
    @Fork(jvmArgsAppend = {OTEL_AGENT, OTEL_EXPORTERS_OFF_TRACES, OTEL_EXPORTERS_OFF_METRICS,
            OTEL_EXPORTERS_OFF_LOGS})
    public long otelWithSpan(Calls calls, OtelWithSpan target) {
        return target.call(calls);
    }

    // ---- nested: a metered method calling a metered method of the same SKU (a proxy, a
    //      decorator, an override calling super), billed once -----------------------------

    @Benchmark
    public long plain_nested(Calls calls, PlainNested target) {
        return target.outer(calls);
    }

    @Benchmark
    @Fork(jvmArgsAppend = ODOMETER_AGENT)
    public long odometer_nested(Calls calls, OdometerNested target) {
        return target.outer(calls);
    }

    // ---- 2 threads ------------------------------------------------------------------------

    @Benchmark
    @Threads(2)
    public long plain_2threads(Calls calls, Plain target) {
        return target.call(calls);
    }

    @Benchmark
    @Threads(2)
    @Fork(jvmArgsAppend = ODOMETER_AGENT)
    public long odometer_2threads(Calls calls, OdometerMetered target) {
        return target.call(calls);
    }

    @Benchmark
    @Threads(2)
    public long micrometer_2threads(Calls calls, MicrometerCounter target) {
        return target.call(calls);
    }

    @Benchmark
    @Threads(2)
    public long dropwizardCounter_2threads(Calls calls, DropwizardCounter target) {
        return target.call(calls);
    }

    @Benchmark
    @Threads(2)
    public long dropwizardMeter_2threads(Calls calls, DropwizardMeter target) {
        return target.call(calls);
    }

    @Benchmark
    @Threads(2)
    @Fork(jvmArgsAppend = {OTEL_AGENT, OTEL_EXPORTERS_OFF_TRACES, OTEL_EXPORTERS_OFF_METRICS,
            OTEL_EXPORTERS_OFF_LOGS})
    public long otelWithSpan_2threads(Calls calls, OtelWithSpan target) {
        return target.call(calls);
    }

    // ---- controls: the plain method with an agent attached that has nothing to do with it --

    @Benchmark
    @Fork(jvmArgsAppend = ODOMETER_AGENT)
    public long control_plainUnderOdometerAgent(Calls calls, Plain target) {
        return target.call(calls);
    }

    @Benchmark
    @Fork(jvmArgsAppend = {OTEL_AGENT, OTEL_EXPORTERS_OFF_TRACES, OTEL_EXPORTERS_OFF_METRICS,
            OTEL_EXPORTERS_OFF_LOGS})
    public long control_plainUnderOtelAgent(Calls calls, Plain target) {
        return target.call(calls);
    }

    // ---- state ------------------------------------------------------------------------------

    /** Each benchmark thread's own call count: the work every row's method does. */
    @State(Scope.Thread)
    public static class Calls {
        long n;
    }

    /** No metering. */
    @State(Scope.Benchmark)
    public static class Plain {
        public long call(Calls calls) {
            return ++calls.n;
        }
    }

    /** {@code @Metered}: the Odometer agent inlines the count into the method. */
    @State(Scope.Benchmark)
    public static class OdometerMetered {
        @Metered("call")
        public long call(Calls calls) {
            return ++calls.n;
        }

        /** Fails the row unless the agent counted its calls: a fast row must be a metered row. */
        @TearDown(Level.Trial)
        public void checkCounted() throws ReflectiveOperationException {
            Class<?> counters = Class.forName("dev.odometer.agent.bootstrap.Counters", false, null);
            long total = (long) counters.getMethod("total", int.class).invoke(null, 0);
            if (total <= 0) {
                throw new IllegalStateException("the Odometer agent counted no call: is it "
                        + "attached (run from bench/target, see run-jmh.sh)?");
            }
        }
    }

    /** Two plain methods, one calling the other. */
    @State(Scope.Benchmark)
    public static class PlainNested {
        public long outer(Calls calls) {
            return inner(calls) + 1;
        }

        public long inner(Calls calls) {
            return ++calls.n;
        }
    }

    /** A metered method calling a metered method of the same SKU: one bill per outer call. */
    @State(Scope.Benchmark)
    public static class OdometerNested {
        @Metered("call")
        public long outer(Calls calls) {
            return inner(calls) + 1;
        }

        @Metered("call")
        public long inner(Calls calls) {
            return ++calls.n;
        }

        /** Fails the row unless the agent counted: a fast row must be a metered row. */
        @TearDown(Level.Trial)
        public void checkCounted() throws ReflectiveOperationException {
            new OdometerMetered().checkCounted();
        }
    }

    /** Micrometer, by hand: the counter looked up once, incremented per call. */
    @State(Scope.Benchmark)
    public static class MicrometerCounter {
        private Counter counter;

        @Setup(Level.Trial)
        public void register() {
            counter = new SimpleMeterRegistry().counter("calls");
        }

        public long call(Calls calls) {
            counter.increment();
            return ++calls.n;
        }
    }

    /** Dropwizard Metrics, by hand: a Counter (a LongAdder), the cheapest thing it has. */
    @State(Scope.Benchmark)
    public static class DropwizardCounter {
        private com.codahale.metrics.Counter counter;

        @Setup(Level.Trial)
        public void register() {
            counter = new MetricRegistry().counter("calls");
        }

        public long call(Calls calls) {
            counter.inc();
            return ++calls.n;
        }
    }

    /** Dropwizard Metrics, by hand: a Meter, which also keeps moving-average rates. */
    @State(Scope.Benchmark)
    public static class DropwizardMeter {
        private Meter meter;

        @Setup(Level.Trial)
        public void register() {
            meter = new MetricRegistry().meter("calls");
        }

        public long call(Calls calls) {
            meter.mark();
            return ++calls.n;
        }
    }

    /** {@code @WithSpan}: the OpenTelemetry agent starts and ends a span around each call. */
    @State(Scope.Benchmark)
    public static class OtelWithSpan {
        @WithSpan
        public long call(Calls calls) {
            return ++calls.n;
        }

        @WithSpan
        boolean traced() {
            return Span.current().getSpanContext().isValid();
        }

        /** Fails the row unless the agent really makes spans: a fast row must be a traced row. */
        @Setup(Level.Trial)
        public void checkTraced() {
            if (!traced()) {
                throw new IllegalStateException("@WithSpan made no span: is the OpenTelemetry "
                        + "agent attached (run from bench/target, see run-jmh.sh)?");
            }
        }
    }
}
