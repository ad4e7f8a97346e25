package dev.odometer.emulator;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar odometer-emulator.jar [options]}: starts the emulator and prints
 * {@code [emulator] listening on http://127.0.0.1:PORT} on standard output once it is ready; runs until killed.
 * {@code --help} lists the options; {@code keygen} writes a Yandex authorized key file.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // one line per log record (the JDK's default takes two)
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
        }
        if (args.length > 0 && args[0].equals("keygen")) {
            System.exit(Keygen.run(args, System.out, System.err));
        }
        if (CommandLine.wantsHelp(args)) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        EmulatorSettings settings;
        try {
            settings = CommandLine.parse(args, EmulatorSettings.defaults());
        } catch (CommandLine.UsageException e) {
            System.err.println("odometer-emulator: " + e.getMessage() + "\n\n" + CommandLine.USAGE);
            System.exit(2);
            return;
        }
        MarketplaceEmulator emulator;
        try {
            emulator = MarketplaceEmulator.start(settings);
        } catch (RuntimeException e) {
            System.err.println("odometer-emulator: " + e.getMessage()
                    + (e.getCause() != null ? ": " + e.getCause().getMessage() : ""));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
        System.out.println("[emulator] listening on " + emulator.baseUri());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
