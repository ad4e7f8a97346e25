package dev.odometer.agent.it;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where a library the test apps use as their own (e.g. Byte Buddy to generate proxies) is. */
final class HostLibraries {
    private HostLibraries() {
    }

    /** The jar (or classes directory) the test JVM loaded {@code type} from. */
    static Path jarOf(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
    }
}
