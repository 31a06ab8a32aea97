package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reading TLS-RPT reports as a receiver would (RFC 8460 §5): the gzipped JSON of a file or POST body, the
 * report attachment of a {@code multipart/report} mail, and the mail's DKIM signatures checked by dkimpy
 * (Debian python3-dkim, an implementation independent of ours) with each key fetched by {@code dig} from
 * the test NSD, never the system resolver. Stateless.
 */
final class TlsRptEvidence {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TlsRptEvidence() {}

    /** The report JSON inside a gzipped report file (RFC 8460 §5.2). */
    static JsonNode gunzipJson(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return JSON.readTree(in.readAllBytes());
        }
    }

    /** The {@code application/tlsrpt+gzip} attachment of a report mail. */
    record ReportPart(String fileName, byte[] gzipped) {}

    /** The {@code application/tlsrpt+gzip} part of a report mail: its file name and decoded bytes. */
    static ReportPart reportPart(MaildirMessage mail) {
        String contentType = mail.header("Content-Type").orElseThrow();
        int b = contentType.indexOf("boundary=\"");
        assertThat(b).as(contentType).isPositive();
        String boundary = contentType.substring(b + 10, contentType.indexOf('"', b + 10));
        List<ReportPart> found = new ArrayList<>();
        for (String part : mail.body().replace("\r\n", "\n").split("\n--" + java.util.regex.Pattern.quote(boundary))) {
            int end = part.indexOf("\n\n");
            if (end < 0) {
                continue;
            }
            String head = part.substring(0, end).replace("\n ", " ").toLowerCase(Locale.ROOT);
            if (!head.contains("content-type: application/tlsrpt+gzip")) {
                continue;
            }
            assertThat(head).contains("content-transfer-encoding: base64").contains("content-disposition: attachment");
            String original = part.substring(0, end).replace("\n ", " ");
            int f = original.indexOf("filename=\"");
            String name = original.substring(f + 10, original.indexOf('"', f + 10));
            found.add(new ReportPart(name, Base64.getMimeDecoder().decode(part.substring(end + 2).strip())));
        }
        assertThat(found).as("one application/tlsrpt+gzip part in%n%s", mail.text()).hasSize(1);
        return found.get(0);
    }

    /**
     * Verifies every DKIM signature of the message with dkimpy (Debian's python3-dkim), its key looked up with
     * {@code dig} at the test NSD (never the system resolver): true when there is one and dkimpy accepts each.
     */
    static boolean dkimVerify(byte[] message, NsdServer nsd, Path dir, String name) throws Exception {
        Path msg = dir.resolve("dkim-" + name + ".eml");
        Files.write(msg, message);
        Path script = dir.resolve("dkimverify.py");
        Files.writeString(script, """
                import re, subprocess, sys
                import dkim
                server, port, path = sys.argv[1], sys.argv[2], sys.argv[3]
                def dnsfunc(name, timeout=5):
                    n = name.decode() if isinstance(name, bytes) else name
                    out = subprocess.run(["dig", "@" + server, "-p", port, "+short", "+norecurse", "TXT", n.rstrip(".")],
                                         capture_output=True, text=True, check=True).stdout
                    return "".join(re.findall(r'"((?:[^"\\\\]|\\\\.)*)"', out)).encode()
                data = open(path, "rb").read()
                head = re.split(rb"\\r?\\n\\r?\\n", data, maxsplit=1)[0]
                count = len(re.findall(rb"(?im)^dkim-signature:", head))
                def valid(i):
                    try:
                        return dkim.DKIM(data).verify(idx=i, dnsfunc=dnsfunc)
                    except dkim.DKIMException as e:
                        print(e, file=sys.stderr)
                        return False
                ok = count > 0 and all(valid(i) for i in range(count))
                print("pass" if ok else "fail")
                sys.exit(0 if ok else 1)
                """, StandardCharsets.UTF_8);
        HostTools.require("dig", "bind9-dnsutils");
        Tools.Result r = Tools.run(Duration.ofSeconds(30), "/usr/bin/python3", script.toString(),
                nsd.address().getHostAddress(), String.valueOf(nsd.port()), msg.toString());
        assertThat(r.stdout().strip()).as("dkimpy ran: %s", r.output()).isIn("pass", "fail");
        return r.exitCode() == 0;
    }
}
