package dev.odometer.agent.cli;

import dev.odometer.agent.config.OdometerConfig;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.bytebuddy.agent.ByteBuddyAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Attaches the agent to a running JVM, which then meters classes it had already loaded. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Attach the agent to a running JVM (same user) and start metering it.")
final class AttachCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, description = "process id of the target JVM")
    long pid;

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OdometerConfig parsed = config.load(spec.commandLine().getErr());
        if (parsed == null) {
            return ConfigOption.BAD_CONFIG;
        }
        Path absolute = parsed.source();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        File agentJar;
        try {
            agentJar = new File(AttachCommand.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
        } catch (Exception e) {
            err.println("odometer: cannot locate the agent jar: " + e);
            return 1;
        }
        try {
            ByteBuddyAgent.attach(agentJar, String.valueOf(pid), "config=" + absolute);
        } catch (RuntimeException e) {
            err.println("odometer: could not attach to process " + pid + ": "
                    + e.getMessage() + " (is it a JVM running as the same user?)");
            return 1;
        }
        out.println("odometer: attached to process " + pid + " with config " + absolute
                + "; the application's log shows what is metered");
        return 0;
    }
}
