package dev.rampart.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child process, with stdout and stderr captured to files. It is stopped only
 * through its own {@link ProcessHandle} and those of its descendants (never by name): SIGTERM first, then
 * SIGKILL after a deadline. {@link #tail} gives the end of its logs for failure messages. Not thread-safe.
 */
final class ChildProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code command} in {@code workDir}; output goes to {@code logDir/<name>.out|.err} (appended). */
    static ChildProcess start(String name, List<String> command, Path workDir, Path logDir, Map<String, String> env)
            throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path stdout() {
        return stdout;
    }

    Path stderr() {
        return stderr;
    }

    /** SIGKILL to this process only (a crash); returns once it is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL");
        }
    }

    /**
     * SIGTERM to {@code target} (this process or one of its descendants), then waits for this process to exit;
     * anything of ours still alive after the grace period gets SIGKILL. Returns the exit code.
     */
    int stop(ProcessHandle target) throws InterruptedException {
        if (process.isAlive()) {
            target.destroy();
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        // Children that outlived their parent (e.g. worker processes) are still ours to end.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        return process.exitValue();
    }

    int stop() throws InterruptedException {
        return stop(process.toHandle());
    }

    /** The last {@code lines} lines of stdout and stderr, labelled, for assertion messages. */
    String tail(int lines) {
        return "--- " + name + " (pid " + pid() + (process.isAlive() ? ", running" : ", exited " + process.exitValue())
                + ") stdout:\n" + lastLines(stdout, lines) + "--- stderr:\n" + lastLines(stderr, lines);
    }

    static String lastLines(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no file " + file.getFileName() + ")\n";
            }
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            StringBuilder sb = new StringBuilder();
            for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
