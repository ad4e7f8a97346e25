package dev.odometer.bench.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The app whose start-up run-startup.sh times: loads every class named in the list generated
 * at build time (a few thousand classes of Guava and Jackson), then calls one {@code @Metered}
 * and one {@code @WithSpan} method once.
 *
 * <p>Its last act in {@code main} is to read {@link System#nanoTime()}; on Linux that is
 * CLOCK_MONOTONIC, one clock for every process, so the harness that started this JVM subtracts
 * the reading it took just before starting the process and gets "JVM start to end of main" to
 * the microsecond. Only then does it print, so printing is not timed; nothing in the timed part
 * uses string concatenation, lambdas or reflection, which would load classes of their own.
 *
 * <p>Output, one {@code key value} a line: {@code mainStartNanos}, {@code loadedNanos}
 * (libraries loaded), {@code endNanos} (end of main), {@code classes} (how many were loaded).
 * Options after the list, all acting after the end of main is timed: {@code --cpu} prints the
 * process's CPU time ({@code cpuMillis}); {@code --hold SECONDS} prints {@code READY} and sleeps
 * so that run-memory.sh can look at the JVM with jcmd.
 */
public final class StartupApp {
    private StartupApp() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException,
            InterruptedException {
        long mainStart = System.nanoTime();
        List<String> names = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        ClassLoader loader = StartupApp.class.getClassLoader();
        int loaded = 0;
        for (int i = 0; i < names.size(); i++) {
            Class.forName(names.get(i), false, loader);
            loaded++;
        }
        long librariesLoaded = System.nanoTime();
        BillableService service = new BillableService();
        long sum = service.billable() + service.traced();
        long end = System.nanoTime();

        print("mainStartNanos", mainStart);
        print("loadedNanos", librariesLoaded);
        print("endNanos", end);
        print("classes", loaded);
        print("calls", sum);
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--cpu")) {
                print("cpuMillis", ProcessHandle.current().info().totalCpuDuration()
                        .map(d -> d.toMillis()).orElse(-1L));
            } else if (args[i].equals("--hold")) {
                System.out.println("READY");
                System.out.flush();
                Thread.sleep(Long.parseLong(args[++i]) * 1000L);
            }
        }
        System.out.flush();
    }

    private static void print(String key, long value) {
        System.out.print(key);
        System.out.print(' ');
        System.out.println(value);
    }
}
