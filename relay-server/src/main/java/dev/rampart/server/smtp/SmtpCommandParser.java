package dev.rampart.server.smtp;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Notify;
import dev.rampart.queue.Ret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one command line (CRLF removed) into a {@link SmtpCommand}. Pure and thread-safe.
 *
 * <p>Line limits (RFC 5321 §4.5.3.1.4, SUB-08): 512 octets including CRLF for plain commands. MAIL and RCPT
 * get {@value #PARAMETER_LINE_MAX} octets, which covers every extension allowance we advertise (SIZE +26,
 * SMTPUTF8 +10, REQUIRETLS +11, ENVID/RET +107, AUTH= +500, ORCPT/NOTIFY +540). AUTH lines may be as long
 * as the framer lets through (RFC 4954 §4 allows 12288).
 *
 * <p>Replies: unknown verb 500 5.5.1; malformed arguments 501; unknown MAIL/RCPT parameter 555 (§4.1.1.11);
 * bad DSN parameter values 501 5.5.4 (RFC 3461 §4).
 */
public final class SmtpCommandParser {
    static final int COMMAND_LINE_MAX = 512;
    static final int PARAMETER_LINE_MAX = 2048;
    static final int ENVID_MAX = 100;
    static final int ORCPT_MAX = 500;

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    private static final Pattern ADDR_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    private static final Pattern HELO_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");

    static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.2", "Line too long");

    private SmtpCommandParser() {}

    public static SmtpCommand parse(byte[] line, boolean tooLong) {
        SmtpCommand parsed = parseLine(line, tooLong);
        if (parsed instanceof SmtpCommand.Invalid inv && inv.verb().isEmpty()) {
            return new SmtpCommand.Invalid(verbOf(line), inv.reply());
        }
        return parsed;
    }

    /** The first word of the line, upper-cased, as far as it is ASCII. */
    private static String verbOf(byte[] line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length && i < 16 && line[i] > 32 && line[i] < 127; i++) {
            sb.append(Character.toUpperCase((char) line[i]));
        }
        return sb.toString();
    }

    private static SmtpCommand parseLine(byte[] line, boolean tooLong) {
        if (tooLong) {
            return invalid(LINE_TOO_LONG);
        }
        for (byte b : line) {
            if (b == '\r' || b == '\n' || b == 0) {
                return invalid(SmtpReply.of(500, "5.5.2", "Syntax error: bare CR, LF or NUL in command"));
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return invalid(SmtpReply.of(500, "5.5.2", "Syntax error: command is not valid UTF-8"));
        }
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : text.substring(space + 1);
        int limit = verb.equals("MAIL") || verb.equals("RCPT") ? PARAMETER_LINE_MAX
                : verb.equals("AUTH") ? Integer.MAX_VALUE : COMMAND_LINE_MAX;
        if (line.length + 2 > limit) {
            return invalid(LINE_TOO_LONG);
        }
        return switch (verb) {
            case "EHLO" -> helo(args, true);
            case "HELO" -> helo(args, false);
            case "MAIL" -> mail(args);
            case "RCPT" -> rcpt(args);
            case "DATA" -> args.isEmpty() ? new SmtpCommand.Data() : syntax("DATA");
            case "BDAT" -> bdat(args);
            case "RSET" -> args.isEmpty() ? new SmtpCommand.Rset() : syntax("RSET");
            case "NOOP" -> new SmtpCommand.Noop();
            case "QUIT" -> args.isEmpty() ? new SmtpCommand.Quit() : syntax("QUIT");
            case "VRFY" -> args.isBlank() ? syntax("VRFY address") : new SmtpCommand.Vrfy();
            case "EXPN" -> new SmtpCommand.Expn();
            case "HELP" -> new SmtpCommand.Help();
            case "STARTTLS" -> args.isEmpty() ? new SmtpCommand.StartTls() : syntax("STARTTLS"); // 3207 §4
            case "AUTH" -> auth(args);
            case "" -> invalid(SmtpReply.of(500, "5.5.2", "Syntax error: empty command"));
            default -> invalid(SmtpReply.of(500, "5.5.1", "Command unrecognized"));
        };
    }

    private static SmtpCommand helo(String args, boolean extended) {
        String name = args.strip();
        if (name.isEmpty() || name.indexOf(' ') >= 0 && !extended) {
            return syntax(extended ? "EHLO hostname" : "HELO hostname");
        }
        // Some clients append text after the name; only the first word is the name.
        int sp = name.indexOf(' ');
        if (sp >= 0) {
            name = name.substring(0, sp);
        }
        boolean ok = name.startsWith("[") ? MailPath.validAddressLiteral(name)
                : name.length() <= MailPath.MAX_DOMAIN && HELO_NAME.matcher(name).matches();
        if (!ok) {
            return invalid(SmtpReply.of(501, "5.5.4", "Invalid hostname in " + (extended ? "EHLO" : "HELO")));
        }
        return extended ? new SmtpCommand.Ehlo(name) : new SmtpCommand.Helo(name);
    }

    private static SmtpCommand bdat(String args) {
        String[] parts = args.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || !parts[0].matches("\\d{1,18}")
                || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
            return syntax("BDAT size [LAST]");
        }
        return new SmtpCommand.Bdat(Long.parseLong(parts[0]), parts.length == 2);
    }

    private static SmtpCommand auth(String args) {
        String[] parts = args.split(" ", -1);
        if (args.isEmpty() || parts.length > 2 || !KEYWORD.matcher(parts[0]).matches()) {
            return syntax("AUTH mechanism [initial-response]");
        }
        return new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT), parts.length == 2 ? parts[1] : "");
    }

    /** The path and what follows it, after "FROM:" / "TO:". */
    private record PathAndRest(String path, String rest) {}

    private static Optional<PathAndRest> splitPath(String s) {
        String t = s.stripLeading(); // tolerate "MAIL FROM: <a@b>"
        if (!t.startsWith("<")) {
            return Optional.empty();
        }
        boolean quoted = false;
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                String rest = t.substring(i + 1);
                if (!rest.isEmpty() && !rest.startsWith(" ")) {
                    return Optional.empty();
                }
                String path = t.substring(1, i);
                if (path.startsWith("@")) { // RFC 5321 §4.1.2 / C: accept and ignore a source route
                    int colon = path.indexOf(':');
                    if (colon < 0) {
                        return Optional.empty();
                    }
                    path = path.substring(colon + 1);
                }
                return Optional.of(new PathAndRest(path, rest.strip()));
            }
        }
        return Optional.empty();
    }

    private static SmtpCommand mail(String args) {
        if (!args.regionMatches(true, 0, "FROM:", 0, 5)) {
            return syntax("MAIL FROM:<address>");
        }
        Optional<PathAndRest> split = splitPath(args.substring(5));
        if (split.isEmpty()) {
            return syntax("MAIL FROM:<address>");
        }
        String sender = split.get().path();
        boolean ascii = true;
        if (!sender.isEmpty()) {
            switch (MailPath.check(sender)) {
                case MailPath.Valid v -> ascii = v.ascii();
                case MailPath.Invalid inv -> {
                    return invalid(SmtpReply.of(501, "5.1.7", inv.problem() == MailPath.Problem.TOO_LONG
                            ? "Path too long" : "Bad sender address syntax"));
                }
            }
        }
        OptionalLong size = OptionalLong.empty();
        BodyType body = BodyType.SEVEN_BIT;
        boolean smtpUtf8 = false;
        boolean requireTls = false;
        String envId = "";
        Ret ret = Ret.UNSPECIFIED;
        Set<String> seen = new HashSet<>();
        for (Param param : parameters(split.get().rest())) {
            String key = param.key();
            String value = param.value();
            Optional<SmtpReply> bad = checkParameter(key, value, seen);
            if (bad.isPresent()) {
                return invalid(bad.get());
            }
            switch (key) {
                case "SIZE" -> {
                    if (value == null || !value.matches("\\d{1,18}")) {
                        return badValue("SIZE");
                    }
                    size = OptionalLong.of(Long.parseLong(value));
                }
                case "BODY" -> {
                    String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    switch (v) {
                        case "7BIT" -> body = BodyType.SEVEN_BIT;
                        case "8BITMIME" -> body = BodyType.EIGHT_BIT_MIME;
                        default -> {
                            return invalid(SmtpReply.of(501, "5.5.4", "Unsupported BODY type"));
                        }
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        return badValue("SMTPUTF8");
                    }
                    smtpUtf8 = true;
                }
                case "REQUIRETLS" -> {
                    if (value != null) {
                        return badValue("REQUIRETLS");
                    }
                    requireTls = true;
                }
                case "RET" -> {
                    String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    switch (v) {
                        case "FULL" -> ret = Ret.FULL;
                        case "HDRS" -> ret = Ret.HDRS;
                        default -> {
                            return badValue("RET");
                        }
                    }
                }
                case "ENVID" -> {
                    Optional<String> decoded = value == null ? Optional.empty() : XText.decode(value);
                    if (decoded.isEmpty() || decoded.get().isEmpty() || decoded.get().length() > ENVID_MAX
                            || !printableAscii(decoded.get())) {
                        return badValue("ENVID");
                    }
                    envId = decoded.get();
                }
                case "AUTH" -> {
                    // RFC 4954 §5: accepted and validated; we never trust an asserted identity, so it is dropped.
                    if (value == null || (!value.equals("<>") && XText.decode(value).isEmpty())) {
                        return badValue("AUTH");
                    }
                }
                default -> {
                    return unknownParameter(key);
                }
            }
        }
        return new SmtpCommand.Mail(sender, ascii, size, body, smtpUtf8, requireTls, envId, ret, !split.get().rest().isEmpty());
    }

    private static SmtpCommand rcpt(String args) {
        if (!args.regionMatches(true, 0, "TO:", 0, 3)) {
            return syntax("RCPT TO:<address>");
        }
        Optional<PathAndRest> split = splitPath(args.substring(3));
        if (split.isEmpty()) {
            return syntax("RCPT TO:<address>");
        }
        String recipient = split.get().path();
        boolean ascii;
        switch (MailPath.check(recipient)) {
            case MailPath.Valid v -> ascii = v.ascii();
            case MailPath.Invalid inv -> {
                return invalid(SmtpReply.of(501, "5.1.3", inv.problem() == MailPath.Problem.TOO_LONG
                        ? "Path too long" : "Bad recipient address syntax"));
            }
        }
        String orcpt = "";
        Set<Notify> notify = EnumSet.noneOf(Notify.class);
        Set<String> seen = new HashSet<>();
        for (Param param : parameters(split.get().rest())) {
            String key = param.key();
            String value = param.value();
            Optional<SmtpReply> bad = checkParameter(key, value, seen);
            if (bad.isPresent()) {
                return invalid(bad.get());
            }
            switch (key) {
                case "NOTIFY" -> {
                    Optional<Set<Notify>> parsed = value == null ? Optional.empty() : parseNotify(value);
                    if (parsed.isEmpty()) {
                        return badValue("NOTIFY");
                    }
                    notify = parsed.get();
                }
                case "ORCPT" -> {
                    Optional<String> parsed = value == null ? Optional.empty() : parseOrcpt(value);
                    if (parsed.isEmpty()) {
                        return badValue("ORCPT");
                    }
                    orcpt = parsed.get();
                }
                default -> {
                    return unknownParameter(key);
                }
            }
        }
        return new SmtpCommand.Rcpt(recipient, ascii, orcpt, notify, !split.get().rest().isEmpty());
    }

    /** RFC 3461 §4.1: NEVER alone, or a non-empty list of SUCCESS, FAILURE, DELAY. */
    static Optional<Set<Notify>> parseNotify(String value) {
        Set<Notify> out = EnumSet.noneOf(Notify.class);
        for (String item : value.split(",", -1)) {
            Notify n;
            switch (item.toUpperCase(Locale.ROOT)) {
                case "NEVER" -> n = Notify.NEVER;
                case "SUCCESS" -> n = Notify.SUCCESS;
                case "FAILURE" -> n = Notify.FAILURE;
                case "DELAY" -> n = Notify.DELAY;
                default -> {
                    return Optional.empty();
                }
            }
            if (!out.add(n)) {
                return Optional.empty();
            }
        }
        if (out.contains(Notify.NEVER) && out.size() > 1) {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** RFC 3461 §4.2: addr-type ";" xtext; returned as "type;decoded". */
    static Optional<String> parseOrcpt(String value) {
        int semi = value.indexOf(';');
        if (semi <= 0 || semi == value.length() - 1) {
            return Optional.empty();
        }
        String type = value.substring(0, semi);
        if (!ADDR_TYPE.matcher(type).matches()) {
            return Optional.empty();
        }
        String raw = value.substring(semi + 1);
        // RFC 6533 utf-8-addr-xtext may carry raw UTF-8; plain xtext otherwise.
        Optional<String> decoded = MailPath.isAscii(raw) ? XText.decode(raw)
                : Optional.of(raw).filter(r -> r.indexOf('+') < 0 && r.indexOf('=') < 0);
        if (decoded.isEmpty() || decoded.get().isEmpty() || decoded.get().length() > ORCPT_MAX) {
            return Optional.empty();
        }
        return Optional.of(type + ";" + decoded.get());
    }

    /** One ESMTP parameter as received (RFC 5321 §4.1.2): keyword upper-cased, value null when no "=". */
    private record Param(String key, String value) {}

    /** The space-separated parameters after a MAIL or RCPT path, in order. */
    private static List<Param> parameters(String rest) {
        if (rest.isEmpty()) {
            return List.of();
        }
        List<Param> params = new ArrayList<>();
        for (String param : rest.split(" +")) {
            int eq = param.indexOf('=');
            params.add(new Param((eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT),
                    eq < 0 ? null : param.substring(eq + 1)));
        }
        return params;
    }

    private static Optional<SmtpReply> checkParameter(String key, String value, Set<String> seen) {
        if (!KEYWORD.matcher(key).matches() || (value != null && !validValue(value))) {
            return Optional.of(SmtpReply.of(501, "5.5.4", "Malformed parameter"));
        }
        if (!seen.add(key)) {
            return Optional.of(SmtpReply.of(501, "5.5.4", "Duplicate parameter " + key));
        }
        return Optional.empty();
    }

    private static boolean validValue(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 33 || c == '=' || c == 127) && c < 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 32 || c > 126) {
                return false;
            }
        }
        return true;
    }

    private static SmtpCommand invalid(SmtpReply reply) {
        return new SmtpCommand.Invalid("", reply);
    }

    private static SmtpCommand syntax(String usage) {
        return invalid(SmtpReply.of(501, "5.5.4", "Syntax: " + usage));
    }

    private static SmtpCommand badValue(String key) {
        return invalid(SmtpReply.of(501, "5.5.4", "Invalid " + key + " parameter"));
    }

    private static SmtpCommand unknownParameter(String key) {
        return invalid(SmtpReply.of(555, "5.5.4", "Unsupported parameter " + key));
    }
}
