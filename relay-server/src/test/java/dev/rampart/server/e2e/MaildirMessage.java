package dev.rampart.server.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One message as a Postfix receiver delivered it into a Maildir file: the mailbox it went to and its raw
 * octets, with simple header access (unfolded, first or all occurrences). Immutable.
 */
record MaildirMessage(String mailbox, Path file, byte[] raw) {

    MaildirMessage {
        raw = raw.clone();
    }

    /** Reads a delivered file; the mailbox is the Delivered-To address that Postfix's virtual(8) prepends. */
    static MaildirMessage read(Path file) throws java.io.IOException {
        byte[] raw = java.nio.file.Files.readAllBytes(file);
        String mailbox = new MaildirMessage("", file, raw).header("Delivered-To").orElse("");
        return new MaildirMessage(mailbox, file, raw);
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    String text() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** Header fields in order, each unfolded to one line ("Name: value"). */
    List<String> headerLines() {
        List<String> out = new ArrayList<>();
        for (String line : text().split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + " " + line.strip());
            } else {
                out.add(line);
            }
        }
        return out;
    }

    List<String> headers(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headerLines().stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(l -> l.substring(prefix.length()).strip()).toList();
    }

    Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    String body() {
        String t = text();
        int crlf = t.indexOf("\r\n\r\n");
        int lf = t.indexOf("\n\n");
        if (lf >= 0 && (crlf < 0 || lf < crlf)) {
            return t.substring(lf + 2);
        }
        return crlf < 0 ? "" : t.substring(crlf + 4);
    }
}
