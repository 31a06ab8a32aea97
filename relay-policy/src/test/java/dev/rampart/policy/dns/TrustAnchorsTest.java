package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Parsing trust anchors: the bundled IANA root set and operator files (DNS-01). */
class TrustAnchorsTest {

    @TempDir
    Path dir;

    @Test
    void bundledRootAnchorsAreBothIanaKsks_DNS01() {
        TrustAnchors root = TrustAnchors.bundledRoot();
        assertThat(root.zones()).containsExactly(".");
        List<String> ds = root.records().stream().map(r -> {
            DSRecord d = (DSRecord) r;
            assertThat(d.getName()).isEqualTo(Name.root);
            return d.getFootprint() + " " + d.getAlgorithm() + " " + d.getDigestID() + " "
                    + HexFormat.of().withUpperCase().formatHex(d.getDigest());
        }).toList();
        // Values from IANA's root-anchors.xml (KSK-2017 and KSK-2024).
        assertThat(ds).containsExactly(
                "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
                "38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16");
    }

    @Test
    void fileWithCommentsDirectivesAndParenthesesParses_DNS01() throws Exception {
        Path f = dir.resolve("anchors.zone");
        Files.writeString(f, """
                ; test TLD anchors
                $TTL 3600
                $ORIGIN test.
                @ IN DS 12345 13 2 ( 0123456789ABCDEF0123456789ABCDEF
                                     0123456789ABCDEF0123456789ABCDEF ) ; KSK
                  IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==

                other.example. 60 IN DS 1 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
                """);
        TrustAnchors anchors = TrustAnchors.fromFile(f);
        assertThat(anchors.records()).hasSize(3);
        Record key = anchors.records().get(1);
        assertThat(key).isInstanceOf(DNSKEYRecord.class);
        assertThat(key.getName().toString()).isEqualTo("test.");
        assertThat(anchors.zones()).containsExactly("test", "other.example");
        assertThat(anchors.source()).isEqualTo(f.toString());
    }

    @Test
    void wrongRecordTypeNamesFileAndLine_DNS01() throws Exception {
        Path f = dir.resolve("bad-type.zone");
        Files.writeString(f, "; anchors\n\ntest. IN TXT \"not an anchor\"\n");
        assertThatThrownBy(() -> TrustAnchors.fromFile(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + " line 3: expected a DS or DNSKEY record of class IN, got IN TXT");
    }

    @Test
    void unparseableRecordNamesFileAndLine_DNS01() throws Exception {
        Path f = dir.resolve("bad-ds.zone");
        Files.writeString(f, ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
                + ". IN DS 38696 eight 2 683D\n");
        assertThatThrownBy(() -> TrustAnchors.fromFile(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + " line 2: ");
    }

    @Test
    void emptyFileIsRefused_DNS01() {
        assertThatThrownBy(() -> TrustAnchors.parse("; nothing\n", "anchors.zone"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("anchors.zone: contains no DS or DNSKEY record");
    }

    @Test
    void includeAndUnbalancedParenthesesAreRefused_DNS01() {
        assertThatThrownBy(() -> TrustAnchors.parse("$INCLUDE /etc/passwd\n", "a.zone"))
                .hasMessage("a.zone line 1: directive $INCLUDE is not allowed in a trust anchor file");
        assertThatThrownBy(() -> TrustAnchors.parse("\n. IN DS ( 1 8 2\n 00\n", "a.zone"))
                .hasMessage("a.zone line 2: '(' is never closed");
        assertThatThrownBy(() -> TrustAnchors.parse(". IN DS 1 8 2 00 )\n", "a.zone"))
                .hasMessage("a.zone line 1: ')' without '('");
    }

    @Test
    void unreadableFileIsAnIoError() {
        assertThatThrownBy(() -> TrustAnchors.fromFile(dir.resolve("missing.zone")))
                .isInstanceOf(java.io.IOException.class);
    }
}
