package dev.rampart.server.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Password hashing, the users file and SASL decoding (SUB-20). */
class AuthTest {
    private final PasswordHasher hasher = new PasswordHasher(1000);

    @Test
    void hashesHaveTheUsersFileFormatAndVerify() {
        String line = hasher.userLine("alice", "pässword".toCharArray());
        assertThat(line).matches("alice:\\$pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");
        String encoded = line.substring("alice:".length());
        assertThat(PasswordHasher.verify(encoded, "pässword".toCharArray())).isTrue();
        assertThat(PasswordHasher.verify(encoded, "password".toCharArray())).isFalse();
        assertThat(PasswordHasher.verify("$md5$nope", "x".toCharArray())).isFalse();
        assertThat(hasher.hash("same".toCharArray())).as("salted").isNotEqualTo(hasher.hash("same".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> hasher.userLine("bad:name", "x".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(10));
    }

    @Test
    void passwordFileVerifiesKnownUsersOnly() {
        PasswordFile file = PasswordFile.parse(List.of("# comment", "", hasher.userLine("alice", "pw".toCharArray())), "users");
        assertThat(file.size()).isEqualTo(1);
        assertThat(file.verify("alice", "pw".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(file.verify("alice", "PW".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(file.verify("mallory", "pw".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void badUsersFileNamesTheLineButNotItsContent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordFile.parse(List.of("alice:$pbkdf2-sha256$1000$c2VjcmV0$"), "users"));
        assertThat(e.getMessage()).contains("line 1").doesNotContain("c2VjcmV0");
        String ok = hasher.userLine("a", "x".toCharArray());
        assertThat(assertThrows(IllegalArgumentException.class, () -> PasswordFile.parse(List.of(ok, ok), "users"))
                .getMessage()).contains("duplicate");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainDecodes() {
        SaslExchange.Step s = SaslExchange.start("plain").orElseThrow().first(b64("\0alice\0pw"));
        assertThat(s).isInstanceOfSatisfying(SaslExchange.Step.Credentials.class, c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(new String(c.password(), StandardCharsets.UTF_8)).isEqualTo("pw");
            assertThat(c.toString()).doesNotContain("pw");
        });
        assertThat(SaslExchange.start("PLAIN").orElseThrow().first(b64("alice\0alice\0pw")))
                .isInstanceOf(SaslExchange.Step.Credentials.class);
        assertThat(SaslExchange.start("PLAIN").orElseThrow().first(b64("alicepw")))
                .isInstanceOf(SaslExchange.Step.Failed.class);
        assertThat(SaslExchange.start("PLAIN").orElseThrow().first("="))
                .isInstanceOf(SaslExchange.Step.Failed.class);
        assertThat(SaslExchange.start("GSSAPI")).isEmpty();
    }

    @Test
    void loginAsksForUserThenPassword() {
        SaslExchange x = SaslExchange.start("LOGIN").orElseThrow();
        assertThat(x.first("")).isEqualTo(new SaslExchange.Step.Challenge("VXNlcm5hbWU6"));
        assertThat(x.next(b64("bob").getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new SaslExchange.Step.Challenge("UGFzc3dvcmQ6"));
        assertThat(x.next(b64("pw").getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(SaslExchange.Step.Credentials.class, c -> assertThat(c.user()).isEqualTo("bob"));
        SaslExchange y = SaslExchange.start("LOGIN").orElseThrow();
        y.first("");
        assertThat(y.next("*".getBytes(StandardCharsets.US_ASCII))).isInstanceOfSatisfying(SaslExchange.Step.Failed.class,
                f -> assertThat(f.reply().code()).isEqualTo(501));
    }
}
