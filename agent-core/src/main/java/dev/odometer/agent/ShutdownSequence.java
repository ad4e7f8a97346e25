package dev.odometer.agent;

import dev.odometer.agent.accumulate.Accumulator;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.RecordSink;
import java.time.Duration;

/**
 * What the agent does when the JVM shuts down normally (SIGTERM, System.exit, end of main):
 * seal the open window, deliver for up to {@code shutdown_timeout}, close the journal. What is
 * not delivered in time stays in the journal for the next start.
 */
final class ShutdownSequence implements Runnable {
    private static final AgentLog LOG = AgentLog.forClass(ShutdownSequence.class);

    private final Accumulator accumulator;
    private final RecordSink sink;
    private final Journal journal;
    private final Duration timeout;

    /** @param journal the journal, or null with the log marketplace */
    ShutdownSequence(Accumulator accumulator, RecordSink sink, Journal journal, Duration timeout) {
        this.accumulator = accumulator;
        this.sink = sink;
        this.journal = journal;
        this.timeout = timeout;
    }

    @Override
    public void run() {
        AgentLog.shutdownStarted();
        accumulator.close();
        if (journal != null) {
            journal.allowFinalSeal();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!sealLastWindow()) {
            // a full journal: deliver what waits to make room, then seal once more
            sink.flush(timeout.dividedBy(2));
            if (!sealLastWindow()) {
                LOG.error("the last usage could not be journaled before exit and is lost; see "
                        + "the journal_max_bytes messages above");
            }
        }
        sink.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (journal != null) {
            journal.close();
        }
    }

    private boolean sealLastWindow() {
        try {
            accumulator.seal();
            return true;
        } catch (RuntimeException refused) {
            LOG.warn("sealing the last window: " + refused.getMessage());
            return false;
        }
    }
}
