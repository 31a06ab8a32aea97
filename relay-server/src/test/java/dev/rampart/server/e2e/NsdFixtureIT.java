package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS fixture alone: NSD serves what {@link TestZones} describes, as dig sees it. */
class NsdFixtureIT {

    @TempDir
    Path dir;

    @Test
    void digGetsMxAndAddressRecordsFromTheZones() throws Exception {
        Path dig = HostTools.require("dig", "dnsutils");
        InetAddress mxAddress = HostTools.loopback("127.0.25.1");
        TestZones zones = new TestZones()
                .zone("dest.test")
                .mx("dest.test", 10, "mx1.dest.test")
                .mx("dest.test", 20, "mx2.other.test")
                .a("mx1.dest.test", mxAddress)
                .a("mx2.other.test", HostTools.loopback("127.0.25.2"))
                .nullMx("nullmx.test")
                .txt("_mta-sts.dest.test", "v=STSv1; id=1");
        try (NsdServer nsd = NsdServer.start(zones, dir.resolve("nsd"))) {
            String at = "@" + nsd.address().getHostAddress();
            String port = "-p" + nsd.port();

            Tools.Result mx = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "MX", "dest.test");
            assertThat(mx.exitCode()).as(mx.output()).isZero();
            assertThat(mx.stdout().lines()).containsExactlyInAnyOrder("10 mx1.dest.test.", "20 mx2.other.test.");

            Tools.Result a = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "A", "mx1.dest.test");
            assertThat(a.stdout().strip()).isEqualTo("127.0.25.1");

            Tools.Result nullMx = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "MX", "nullmx.test");
            assertThat(nullMx.stdout().strip()).isEqualTo("0 .");

            Tools.Result txt = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "TXT", "_mta-sts.dest.test");
            assertThat(txt.stdout().strip()).isEqualTo("\"v=STSv1; id=1\"");

            Tools.Result missing = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+norec", "MX", "nowhere.test");
            assertThat(missing.stdout()).contains("status: NXDOMAIN");

            // dest.test is its own zone, delegated from test. (the hook for signing it separately later)
            Tools.Result ns = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "NS", "dest.test");
            assertThat(ns.stdout().strip()).isEqualTo("ns.dest.test.");
        }
    }

    @Test
    void signedZonesCarrySignaturesAndTheParentPublishesTheChildsDs() throws Exception {
        Path dig = HostTools.require("dig", "dnsutils");
        LdnsZoneSigner signer = new LdnsZoneSigner(dir.resolve("keys"));
        TestZones zones = new TestZones().zone("secure.test")
                .mx("secure.test", 10, "mx.secure.test").a("mx.secure.test", HostTools.loopback("127.0.25.3"));
        try (NsdServer nsd = NsdServer.start(zones, dir.resolve("nsd-signed"), signer)) {
            String at = "@" + nsd.address().getHostAddress();
            String port = "-p" + nsd.port();

            Tools.Result mx = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+dnssec", "+norec", "MX", "secure.test");
            assertThat(mx.stdout()).contains("10 mx.secure.test.").containsPattern("RRSIG\\s+MX\\s+13 ");

            // The parent (test.) vouches for the child with exactly the DS the signer computed for its KSK.
            Tools.Result ds = Tools.run(Duration.ofSeconds(20), dig.toString(), at, port, "+short", "+norec", "DS", "secure.test");
            String childDs = signer.ds("secure.test").get(0);
            String digest = childDs.substring(childDs.lastIndexOf(' ') + 1);
            assertThat(ds.stdout().replace(" ", "").toLowerCase()).contains(digest.toLowerCase());

            Path anchor = signer.trustAnchor(dir.resolve("anchor.ds"));
            assertThat(java.nio.file.Files.readString(anchor)).startsWith("test.").contains("\tDS\t");
        }
    }
}
