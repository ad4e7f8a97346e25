package dev.odometer.emulator;

/** One line per request: {@code [emulator] POST /path 200 3 ms accepted=2 rejected=1 validateOnly}. */
final class RequestLog {

    private static final System.Logger LOG = System.getLogger("dev.odometer.emulator");

    private RequestLog() {}

    static void request(String method, String target, int status, long millis, ApiResponse response, boolean lost) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        StringBuilder line = new StringBuilder("[emulator] ")
                .append(method).append(' ').append(target).append(' ')
                .append(status).append(' ').append(millis).append(" ms");
        if (response != null && response.accepted() >= 0) {
            line.append(" accepted=").append(response.accepted()).append(" rejected=").append(response.rejected());
        }
        if (response != null && response.note() != null) {
            line.append(' ').append(response.note());
        }
        if (lost) {
            line.append(" fault=lost-response (stored, connection closed without an answer)");
        }
        LOG.log(System.Logger.Level.INFO, line.toString());
    }

    static void failure(String method, String target, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, "[emulator] " + method + " " + target + " failed inside the emulator", error);
    }

    static void info(String message) {
        LOG.log(System.Logger.Level.INFO, "[emulator] " + message);
    }
}
