package dev.odometer.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The runnable jar's flags, turned into {@link EmulatorSettings}: the config file (if any) first, then every other
 * flag on top of it, whatever their order. Flags take {@code --name value} or {@code --name=value}.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: java -jar odometer-emulator.jar [options]
                   java -jar odometer-emulator.jar keygen --service-account-id SA --key-id KEY [--out key.json]

            Options:
              --port N                      port to listen on (default 8080; 0 = any free port)
              --bind ADDRESS                address to bind (default 127.0.0.1)
              --config FILE                 YAML or JSON config file (format: see README)
              --seed N                      seed of the fault randomness (default 42)
              --authorized-key FILE         register the public key of a Yandex authorized key file (repeatable)
              --static-token TOKEN          accept this bearer token on both marketplaces (repeatable)
              --future-tolerance-seconds N  how far in the future a timestamp may be (default 60)
              --iam-token-lifetime-seconds N  lifetime of issued IAM tokens (default 43200)
              --aad-token-lifetime-seconds N  lifetime of issued AAD tokens (default 3599)
            Faults (also at run time: POST /admin/faults):
              --error-rate X                share of metering requests answered with --error-status (0..1)
              --error-status N              500, 503 or 429 (default 503)
              --retry-after S               send Retry-After: S with injected errors
              --lost-response-rate X        share of metering requests stored, then answered by a dropped connection
              --latency-ms N                delay before every metering request
              --outage                      answer every metering request with 503
              --forbidden                   answer every authenticated metering request with 403
              --clock-offset-seconds N      start the emulator clock N seconds off the system clock
              --help                        print this and exit
            """;

    /** A command line that cannot be run; the message says why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    private record Flag(String name, String value) {}

    private static final List<String> SWITCHES = List.of("--outage", "--forbidden", "--help");

    private static final Map<String, BiFunction<EmulatorSettings, String, EmulatorSettings>> OPTIONS = Map.ofEntries(
            Map.entry("--port", (s, v) -> s.withPort(Integer.parseInt(v))),
            Map.entry("--bind", EmulatorSettings::withBindAddress),
            Map.entry("--seed", (s, v) -> s.withSeed(Long.parseLong(v))),
            Map.entry("--authorized-key", (s, v) -> s.withCatalog(
                    s.catalog().withServiceAccountKey(AuthorizedKeyFile.read(Path.of(v))))),
            Map.entry("--static-token", EmulatorSettings::withStaticToken),
            Map.entry("--future-tolerance-seconds", (s, v) -> s.withFutureTolerance(seconds(v))),
            Map.entry("--iam-token-lifetime-seconds", (s, v) -> s.withIamTokenLifetime(seconds(v))),
            Map.entry("--aad-token-lifetime-seconds", (s, v) -> s.withAadTokenLifetime(seconds(v))),
            Map.entry("--error-rate", (s, v) -> s.withFaults(s.faults().withErrorRate(Double.parseDouble(v)))),
            Map.entry("--error-status", (s, v) -> s.withFaults(s.faults().withErrorStatus(Integer.parseInt(v)))),
            Map.entry("--retry-after", (s, v) -> s.withFaults(s.faults().withRetryAfterSeconds(Integer.parseInt(v)))),
            Map.entry("--lost-response-rate", (s, v) -> s.withFaults(s.faults().withLostResponseRate(Double.parseDouble(v)))),
            Map.entry("--latency-ms", (s, v) -> s.withFaults(s.faults().withLatencyMs(Long.parseLong(v)))),
            Map.entry("--outage", (s, v) -> s.withFaults(s.faults().withOutage(true))),
            Map.entry("--forbidden", (s, v) -> s.withFaults(s.faults().withForbidden(true))),
            Map.entry("--clock-offset-seconds", (s, v) -> s.withClockOffset(seconds(v))));

    private CommandLine() {}

    /** Whether the arguments ask for the usage text. */
    static boolean wantsHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    static EmulatorSettings parse(String[] args, EmulatorSettings base) throws UsageException {
        List<Flag> flags = flags(args);
        EmulatorSettings settings = base;
        for (Flag flag : flags) {
            if (flag.name.equals("--config")) {
                settings = apply(settings, flag, (s, v) -> s.withConfigFile(Path.of(v)));
            }
        }
        for (Flag flag : flags) {
            if (!flag.name.equals("--config") && !flag.name.equals("--help")) {
                settings = apply(settings, flag, OPTIONS.get(flag.name));
            }
        }
        return settings;
    }

    private static List<Flag> flags(String[] args) throws UsageException {
        List<Flag> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (!name.equals("--config") && !OPTIONS.containsKey(name) && !name.equals("--help")) {
                throw new UsageException("unknown option " + name);
            }
            if (SWITCHES.contains(name)) {
                if (eq > 0) {
                    throw new UsageException(name + " takes no value");
                }
                flags.add(new Flag(name, null));
            } else if (eq > 0) {
                flags.add(new Flag(name, arg.substring(eq + 1)));
            } else if (i + 1 < args.length) {
                flags.add(new Flag(name, args[++i]));
            } else {
                throw new UsageException(name + " needs a value");
            }
        }
        return flags;
    }

    private static EmulatorSettings apply(EmulatorSettings settings, Flag flag,
                                          BiFunction<EmulatorSettings, String, EmulatorSettings> option)
            throws UsageException {
        try {
            return option.apply(settings, flag.value);
        } catch (NumberFormatException e) {
            throw new UsageException(flag.name + ": not a number: " + flag.value);
        } catch (RuntimeException e) {
            throw new UsageException(flag.name + ": " + e.getMessage());
        }
    }

    private static Duration seconds(String value) {
        return Duration.ofSeconds(Long.parseLong(value));
    }
}
