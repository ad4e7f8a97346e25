package dev.odometer.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code keygen}: writes a Yandex authorized key file for testing a client's JWT exchange against the emulator. */
final class Keygen {

    private Keygen() {}

    /** @return the process exit code */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String serviceAccountId = "demo-service-account";
        String keyId = "demo-key";
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--service-account-id" -> serviceAccountId = value;
                case "--key-id" -> keyId = value;
                case "--out" -> file = value == null ? null : Path.of(value);
                default -> {
                    err.println("unknown keygen option " + args[i] + "\n\n" + CommandLine.USAGE);
                    return 2;
                }
            }
            if (value == null) {
                err.println(args[i] + " needs a value");
                return 2;
            }
            i++;
        }
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate(serviceAccountId, keyId);
        if (file == null) {
            out.println(key.json());
            return 0;
        }
        try {
            Files.writeString(file, key.json() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot write " + file + ": " + e.getMessage());
            return 1;
        }
        out.println("wrote " + file + " (key " + keyId + " of service account " + serviceAccountId
                + "); start the emulator with --authorized-key " + file);
        return 0;
    }
}
