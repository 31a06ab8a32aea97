package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Talks to a running relay's admin API, as {@code rampart queue ...} does. Every failure is an
 * {@link AdminException} whose message is fit for an operator: the relay not running (with the URL that
 * was tried), or the error text the relay returned. Thread-safe.
 */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Above the relay's own limits (a policy fetch may take 60 s after a 30 s TXT lookup, explain 2 min). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(150);

    private final URI base;
    private final HttpClient http;

    AdminClient(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /**
     * A failed admin call; the message is printed as is. {@link #status} is the HTTP status the relay
     * answered with, or {@link #NO_ANSWER} when it could not be reached or gave no usable answer.
     */
    static final class AdminException extends Exception {
        private static final long serialVersionUID = 1L;
        static final int NO_ANSWER = 0;

        private final int status;

        AdminException(String message) {
            this(message, NO_ANSWER);
        }

        AdminException(String message, int status) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }

        boolean unreachable() {
            return status == NO_ANSWER;
        }
    }

    JsonNode get(String path) throws AdminException {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    JsonNode post(String path) throws AdminException {
        return send(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    JsonNode delete(String path) throws AdminException {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE());
    }

    URI base() {
        return base;
    }

    private URI resolve(String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws AdminException {
        HttpRequest r = request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AdminException("cannot connect to the rampart admin listener (connection refused); "
                    + "is rampart serve running? tried " + base);
        } catch (HttpTimeoutException e) {
            throw new AdminException("the rampart admin listener did not answer in time; tried " + base);
        } catch (IOException e) {
            throw new AdminException("cannot talk to the rampart admin listener at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AdminException("unexpected answer from " + r.uri() + " (HTTP " + response.statusCode()
                    + "): is this a rampart admin listener?");
        }
        if (response.statusCode() / 100 != 2) {
            String message = body.path("error").asText("HTTP " + response.statusCode());
            throw new AdminException(message, response.statusCode());
        }
        return body;
    }
}
