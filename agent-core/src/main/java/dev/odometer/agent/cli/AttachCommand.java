package dev.odometer.agent.cli;

import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.ConfigLoader;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.bytebuddy.agent.ByteBuddyAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Attaches the agent to a running JVM, which then meters classes it had already loaded. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Attach the agent to a running JVM (same user) and start metering it.")
final class AttachCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, description = "process id of the target JVM")
    long pid;

    @Option(names = "--config", required = true, description = "the Odometer config file")
    Path config;

    @Override
    public Integer call() {
        Path absolute = config.toAbsolutePath();
        try {
            ConfigLoader.load(absolute);
        } catch (ConfigException invalid) {
            System.err.println("odometer: " + invalid.getMessage());
            return 2;
        }
        File agentJar;
        try {
            agentJar = new File(AttachCommand.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
        } catch (Exception e) {
            System.err.println("odometer: cannot locate the agent jar: " + e);
            return 1;
        }
        try {
            ByteBuddyAgent.attach(agentJar, String.valueOf(pid), "config=" + absolute);
        } catch (RuntimeException e) {
            System.err.println("odometer: could not attach to process " + pid + ": "
                    + e.getMessage() + " (is it a JVM running as the same user?)");
            return 1;
        }
        System.out.println("odometer: attached to process " + pid + " with config " + absolute
                + "; the application's log shows what is metered");
        return 0;
    }
}
