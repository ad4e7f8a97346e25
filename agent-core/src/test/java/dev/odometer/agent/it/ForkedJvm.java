package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a test application in a fresh JVM, optionally with the real, shaded agent jar. */
final class ForkedJvm {
    static final Path AGENT_JAR = Paths.get(System.getProperty("odometer.agentJar",
            "target/odometer-agent.jar")).toAbsolutePath();

    private final Path javaHome;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private String mainClass;
    private final List<String> args = new ArrayList<>();
    private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();

    private ForkedJvm(Path javaHome) {
        this.javaHome = javaHome;
        classpath.add(Paths.get("target/test-classes").toAbsolutePath().toString());
        classpath.add(annotationsJar().toString());
    }

    /** The JDKs every forked test runs on: the build JDK and, when installed, the extra ones. */
    static Stream<Path> jdks() {
        List<Path> jdks = new ArrayList<>();
        jdks.add(Paths.get(System.getProperty("java.home")));
        String extra = System.getProperty("odometer.test.extraJdks", "");
        for (String home : extra.split("[,:]")) {
            if (!home.isBlank() && Files.isExecutable(Paths.get(home.trim(), "bin", "java"))) {
                jdks.add(Paths.get(home.trim()));
            } else if (!home.isBlank()) {
                System.err.println("note: JDK " + home + " is not installed; not testing on it");
            }
        }
        return jdks.stream();
    }

    static ForkedJvm on(Path javaHome) {
        return new ForkedJvm(javaHome);
    }

    ForkedJvm withAgent(Path config) {
        jvmArgs.add("-javaagent:" + AGENT_JAR + "=config=" + config.toAbsolutePath());
        return this;
    }

    ForkedJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    ForkedJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    ForkedJvm classpath(List<Path> entries) {
        for (Path entry : entries) {
            classpath.add(entry.toAbsolutePath().toString());
        }
        return this;
    }

    /** Puts these first, ahead of the test classes, so their versions win. */
    ForkedJvm classpathFirst(List<Path> entries) {
        List<String> first = new ArrayList<>();
        for (Path entry : entries) {
            first.add(entry.toAbsolutePath().toString());
        }
        classpath.addAll(0, first);
        return this;
    }

    ForkedJvm main(Class<?> type, String... arguments) {
        mainClass = type.getName();
        args.addAll(Arrays.asList(arguments));
        return this;
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Starts the JVM; output goes to files so a chatty process can never block on a pipe. */
    Started start(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        return new Started(process, out, err);
    }

    /** Runs to completion (at most 60 s) and returns what it printed. */
    Result run(Path workDir) throws IOException, InterruptedException {
        return start(workDir).await();
    }

    static Path annotationsJar() {
        Path target = Paths.get("../annotations/target").toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(
                    "odometer-annotations-.*\\.jar")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException("build the annotations module first", e);
        }
    }

    static final class Started {
        final Process process;
        final Path stdout;
        final Path stderr;

        Started(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Writes a line to the app's standard input. */
        void say(String line) throws IOException {
            java.io.OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /**
         * Ends the calls of a {@link com.acme.app.SteadyApp} ("stop") and returns how many it
         * made; the app then waits for one more line (or a signal) to exit.
         */
        long stopCalls() throws Exception {
            say("stop");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> stdoutText().contains("DONE"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("DONE calls=(\\d+)")
                    .matcher(stdoutText());
            assertThat(m.find()).isTrue();
            return Long.parseLong(m.group(1));
        }

        String stdoutText() throws IOException {
            return Files.readString(stdout, StandardCharsets.UTF_8);
        }

        String stderrText() throws IOException {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        }

        Result await() throws IOException, InterruptedException {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            Result result = new Result(process.exitValue(), stdoutText(), stderrText());
            assertThat(ended).as("forked JVM ended in time; %s", result).isTrue();
            return result;
        }
    }

    static final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The lines the agent logged (they all carry the prefix). */
        List<String> agentLines() {
            List<String> lines = new ArrayList<>();
            for (String line : (stdout + "\n" + stderr).split("\n")) {
                if (line.contains("[odometer]")) {
                    lines.add(line.trim());
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
