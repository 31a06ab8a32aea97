package dev.rampart.server.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which key signs a relayed message: the From: domain's. */
class DkimContentTest {

    @ParameterizedTest(name = "From: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "app@Example.COM                              | example.com",
            "\"Shop, Inc.\" <orders@shop.example>          | shop.example",
            "Orders (the <shop>) <orders@shop.example>     | shop.example",
            "a@one.example, b@two.example                 | one.example"})
    void fromDomainIsTheFirstAddressDomain(String from, String domain) throws Exception {
        assertThat(DkimContent.fromDomain(message("From: " + from + "\r\nTo: x@y.example\r\n\r\nbody\r\n")))
                .contains(domain);
    }

    @Test
    void foldedFromIsRead() throws Exception {
        assertThat(DkimContent.fromDomain(message("Subject: x\r\nFrom: Someone\r\n <someone@folded.example>\r\n\r\nb\r\n")))
                .contains("folded.example");
    }

    @Test
    void noOrSeveralFromFieldsMeanNoSigning() throws Exception {
        assertThat(DkimContent.fromDomain(message("To: x@y.example\r\n\r\nbody\r\n"))).isEmpty();
        assertThat(DkimContent.fromDomain(message("From: a@a.example\r\nFrom: b@b.example\r\n\r\nbody\r\n"))).isEmpty();
        assertThat(DkimContent.fromDomain(message("From: nobody\r\n\r\nbody\r\n"))).isEqualTo(Optional.empty());
    }

    @Test
    void aMessageAlreadySignedByTheDomainIsNotSignedAgain() {
        var fields = DkimSigner.headerFields("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n\t"
                + "d=relay.example; s=tlsrpt; h=from; bh=x; b=y\r\nFrom: a@relay.example");
        assertThat(DkimContent.signedBy(fields, "relay.example")).isTrue();
        assertThat(DkimContent.signedBy(fields, "example")).isFalse();
        assertThat(DkimContent.signedBy(fields, "other.example")).isFalse();
        assertThat(DkimContent.signedBy(DkimSigner.headerFields("From: a@relay.example"), "relay.example")).isFalse();
    }

    private static ByteArrayInputStream message(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
