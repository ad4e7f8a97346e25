package dev.odometer.agent;

import dev.odometer.agent.accumulate.Accumulator;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.RecordSink;
import java.time.Duration;

/**
 * What the agent does when the JVM shuts down normally (SIGTERM, System.exit, end of main).
 *
 * <p>The host's other shutdown hooks run at the same time and often still do billable work
 * (a graceful shutdown finishing in-flight requests). So the agent first waits for them, up to
 * {@code shutdown_timeout}, while the accumulator goes on sealing and delivery goes on
 * sending; then it seals the last window and delivers for what is left of the timeout. If the
 * other hooks outlast the timeout, it seals once more when they end, into the journal only:
 * the JVM cannot exit before they end anyway, and the next start delivers it. What is not
 * delivered in time stays in the journal for the next start.
 */
final class ShutdownSequence implements Runnable {
    private static final AgentLog LOG = AgentLog.forClass(ShutdownSequence.class);

    private final Accumulator accumulator;
    private final RecordSink sink;
    private final Journal journal;
    private final Duration timeout;
    private final OtherShutdownHooks otherHooks;

    /**
     * @param journal    the journal, or null with the log marketplace
     * @param otherHooks the host's other shutdown hooks, waited for before the last seal
     */
    ShutdownSequence(Accumulator accumulator, RecordSink sink, Journal journal, Duration timeout,
                     OtherShutdownHooks otherHooks) {
        this.accumulator = accumulator;
        this.sink = sink;
        this.journal = journal;
        this.timeout = timeout;
        this.otherHooks = otherHooks;
    }

    @Override
    public void run() {
        AgentLog.shutdownStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean othersEnded = otherHooks.awaitAll(deadline);
        if (!othersEnded) {
            LOG.warn("shutdown_timeout (" + timeout.toMillis() + " ms) ran out while other "
                    + "shutdown hooks still run " + otherHooks.stillRunning() + ": sealing now; "
                    + "what they finish later is journaled when they end and delivered at the "
                    + "next start");
        }
        accumulator.close();
        if (journal != null) {
            journal.allowFinalSeal();
        }
        if (!sealLastWindow()) {
            // a full journal: deliver what waits to make room, then seal once more
            sink.flush(remaining(deadline).dividedBy(2));
            if (!sealLastWindow()) {
                LOG.error("the last usage could not be journaled before exit and is lost; see "
                        + "the journal_max_bytes messages above");
            }
        }
        sink.flush(remaining(deadline));
        if (!othersEnded) {
            otherHooks.awaitAll(Long.MAX_VALUE);
            sealLastWindow();
        }
        if (journal != null) {
            journal.close();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
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
