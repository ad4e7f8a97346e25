package dev.odometer.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar odometer-agent.jar <command>}: the agent jar's command line, for what a
 * person does around a metered application (attach, and more with later versions).
 */
@Command(name = "odometer-agent.jar", mixinStandardHelpOptions = true,
        versionProvider = OdometerCli.Version.class,
        description = "Odometer: usage metering for cloud marketplaces.",
        subcommands = {AttachCommand.class, ValidateCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class})
public final class OdometerCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code. */
    static int run(String... args) {
        return new CommandLine(new OdometerCli()).execute(args);
    }

    /** Runs a command line writing to the given streams (for tests). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new OdometerCli()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OdometerCli.class.getPackage().getImplementationVersion();
            return new String[] {"Odometer " + (version == null ? "(development build)" : version)};
        }
    }
}
