package dev.odometer.agent.cli;

import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.ConfigLoader;
import dev.odometer.agent.config.OdometerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command takes, and loading it the same way for all. */
final class ConfigOption {
    /** The exit code of a command whose config file is wrong. */
    static final int BAD_CONFIG = 2;

    @Option(names = "--config", required = true, description = "the Odometer config file")
    Path path;

    /** The config, or null after printing to {@code err} why it cannot be used. */
    OdometerConfig load(PrintWriter err) {
        try {
            return ConfigLoader.load(path.toAbsolutePath());
        } catch (ConfigException invalid) {
            err.println("odometer: " + invalid.getMessage());
            return null;
        }
    }
}
