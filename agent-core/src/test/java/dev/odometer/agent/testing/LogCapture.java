package dev.odometer.agent.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what System.Logger writes (through java.util.logging, its default backend) under a
 * logger name prefix; close to stop.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final boolean parentHandlers;

    public LogCapture(String name) {
        logger = Logger.getLogger(name);
        setLevel(Level.ALL);
        logger.addHandler(this);
        parentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false); // keep the build output quiet
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parentHandlers);
    }
}
