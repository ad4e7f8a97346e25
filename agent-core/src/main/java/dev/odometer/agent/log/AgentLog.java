package dev.odometer.agent.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's logger: {@link System.Logger} with every message prefixed {@value #PREFIX} so a
 * user can grep the host application's log for everything Odometer said.
 *
 * <p>The underlying logger is looked up on first use, not at class load, so that merely loading
 * agent classes during {@code premain} does not initialise the host's logging framework before
 * the host had a chance to configure it.
 */
public final class AgentLog {
    /** Prefix of every line the agent logs. */
    public static final String PREFIX = "[odometer] ";

    private static volatile boolean shuttingDown;
    /** Until this {@link System#nanoTime()}, info and warning lines are logged later; 0: never. */
    private static volatile long quietUntil;
    /** Lines said on a host's thread (while it loads a class), logged by a thread of ours. */
    private static final LinkedBlockingQueue<Line> LATER = new LinkedBlockingQueue<>();
    private static final AtomicBoolean DRAINING = new AtomicBoolean();

    private final String name;
    private volatile Logger logger;

    private AgentLog(String name) {
        this.name = name;
    }

    /**
     * From now on, write to standard error instead: during JVM shutdown the logging framework
     * may already be closed (java.util.logging resets its handlers in a shutdown hook of its
     * own), and what the agent says while shutting down (the last records, what is left
     * undelivered) must not be lost.
     */
    public static void shutdownStarted() {
        shuttingDown = true;
        for (Line line = LATER.poll(); line != null; line = LATER.poll()) {
            line.log();
        }
    }

    /**
     * For {@code quiet} from now, info and warning lines are queued and logged by a thread of
     * the agent's own when it is over (or at shutdown, whichever is first), so that the agent
     * never sets up the host's logging while the host starts. Errors are logged at once.
     */
    public static void quietFor(java.time.Duration quiet) {
        quietUntil = System.nanoTime() + quiet.toNanos();
    }

    /** A logger named after the class that logs. */
    public static AgentLog forClass(Class<?> type) {
        return new AgentLog(type.getName());
    }

    public void info(String message) {
        if (isQuiet()) {
            later(Level.INFO, message);
        } else {
            log(Level.INFO, message, null);
        }
    }

    public void warn(String message) {
        if (isQuiet()) {
            later(Level.WARNING, message);
        } else {
            log(Level.WARNING, message, null);
        }
    }

    private static boolean isQuiet() {
        long until = quietUntil;
        return until != 0 && System.nanoTime() - until < 0;
    }

    /** An error the user has to act on: one line, no stack trace. */
    public void error(String message) {
        log(Level.ERROR, message, null);
    }

    /** An unexpected fault inside the agent: the stack trace helps us fix it. */
    public void error(String message, Throwable bug) {
        log(Level.ERROR, message, bug);
    }

    /**
     * Logs from a thread of the agent's own, soon: for what is said on a host's thread while it
     * loads a class, which must not wait for (or set up) the host's logging.
     */
    public void infoLater(String message) {
        later(Level.INFO, message);
    }

    /** Like {@link #infoLater}, a warning. */
    public void warnLater(String message) {
        later(Level.WARNING, message);
    }

    public void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    private void later(Level level, String message) {
        try {
            LATER.add(new Line(this, level, message));
            if (shuttingDown) {
                shutdownStarted();
            } else if (DRAINING.compareAndSet(false, true)) {
                Thread drainer = new Drainer();
                drainer.setDaemon(true);
                drainer.start();
            }
        } catch (Throwable ignored) {
            // logging must never take the host down
        }
    }

    /** Logs what was said for later; ends when nothing more has come for a while. */
    private static void drain() {
        try {
            while (true) {
                long quiet = quietUntil - System.nanoTime();
                if (quiet > 0 && !shuttingDown) {
                    // lines stay queued meanwhile, where shutdown finds them
                    TimeUnit.NANOSECONDS.sleep(Math.min(quiet, TimeUnit.MILLISECONDS.toNanos(100)));
                    continue;
                }
                Line line = LATER.poll(2, TimeUnit.SECONDS);
                if (line != null) {
                    line.log();
                    continue;
                }
                DRAINING.set(false);
                if (LATER.isEmpty() || !DRAINING.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (InterruptedException stop) {
            DRAINING.set(false);
        }
    }

    private void log(Level level, String message, Throwable thrown) {
        try {
            if (shuttingDown) {
                if (level.getSeverity() >= Level.INFO.getSeverity()) {
                    System.err.println(PREFIX + level.getName() + " " + message
                            + (thrown == null ? "" : " (" + thrown + ")"));
                }
                return;
            }
            Logger target = logger();
            if (thrown == null) {
                target.log(level, PREFIX + message);
            } else {
                target.log(level, PREFIX + message, thrown);
            }
        } catch (Throwable ignored) {
            // logging must never take the host down
        }
    }

    private Logger logger() {
        Logger current = logger;
        if (current == null) {
            current = System.getLogger(name);
            logger = current;
        }
        return current;
    }

    /** A line to log later (no lambda: the agent's start-up path spins up no invokedynamic). */
    private static final class Line {
        final AgentLog log;
        final Level level;
        final String message;

        Line(AgentLog log, Level level, String message) {
            this.log = log;
            this.level = level;
            this.message = message;
        }

        void log() {
            log.log(level, message, null);
        }
    }

    private static final class Drainer extends Thread {
        Drainer() {
            super("odometer-log");
        }

        @Override
        public void run() {
            drain();
        }
    }
}
