package dev.odometer.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The agent's clock: the system's UTC clock, or, for tests only, the system clock plus an
 * offset read from the file named by the system property {@value #OFFSET_FILE_PROPERTY}
 * (seconds, re-read on each use), so a test can move a forked JVM an hour ahead together with
 * the emulator without waiting an hour.
 */
final class AgentClock extends Clock {
    static final String OFFSET_FILE_PROPERTY = "odometer.testing.clockOffsetFile";

    private final Path offsetFile;

    private AgentClock(Path offsetFile) {
        this.offsetFile = offsetFile;
    }

    static Clock create() {
        String file = System.getProperty(OFFSET_FILE_PROPERTY);
        return file == null ? Clock.systemUTC() : new AgentClock(Paths.get(file));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset());
    }

    private Duration offset() {
        try {
            String text = new String(Files.readAllBytes(offsetFile), StandardCharsets.US_ASCII);
            return Duration.ofSeconds(Long.parseLong(text.trim()));
        } catch (IOException | NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
