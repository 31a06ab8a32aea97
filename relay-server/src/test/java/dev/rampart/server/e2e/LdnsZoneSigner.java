package dev.rampart.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DNSSEC for the test world with ldnsutils (Debian package ldnsutils): per zone a fresh ECDSA P-256 KSK and
 * ZSK ({@code ldns-keygen}), the zone signed with both ({@code ldns-signzone}), and the KSK's SHA-256 DS
 * ({@code ldns-key2ds}) for the parent. The DS of the TLD zone {@code test.} is the trust anchor a
 * validating resolver in the relay (or a test) needs: {@link #trustAnchor}.
 *
 * <p>RRsets named with {@link #expiredSignature} become bogus: the zone is signed a second time with the same
 * keys and a validity period long past, and that run's RRSIG for the RRset replaces the good one. Everything
 * else in the zone still validates. Not thread-safe.
 */
final class LdnsZoneSigner implements TestZones.ZoneSigner {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    private final Path keyDir;
    private final Map<String, List<String>> dsByZone = new LinkedHashMap<>();
    private final Set<Rrset> expired = new HashSet<>();

    /** An RRset by owner (absolute, lower case, no trailing dot) and type (e.g. TLSA). */
    private record Rrset(String owner, String type) {}

    LdnsZoneSigner(Path keyDir) {
        this.keyDir = keyDir;
    }

    /** Makes the RRset {@code owner}/{@code type} bogus: its RRSIG will have expired in 2020. */
    LdnsZoneSigner expiredSignature(String owner, String type) {
        expired.add(rrset(owner, type));
        return this;
    }

    @Override
    public TestZones.Signed sign(String origin, Path zoneFile) throws IOException, InterruptedException {
        Path keygen = HostTools.require("ldns-keygen", "ldnsutils");
        Path signzone = HostTools.require("ldns-signzone", "ldnsutils");
        Path key2ds = HostTools.require("ldns-key2ds", "ldnsutils");
        Path dir = keyDir.resolve(origin);
        Files.createDirectories(dir);
        String ksk = run(dir, keygen.toString(), "-a", "ECDSAP256SHA256", "-k", "-r", "/dev/urandom", origin + ".").strip();
        String zsk = run(dir, keygen.toString(), "-a", "ECDSAP256SHA256", "-r", "/dev/urandom", origin + ".").strip();
        Path signed = zoneFile.resolveSibling(zoneFile.getFileName() + ".signed");
        run(dir, signzone.toString(), "-o", origin + ".", "-f", signed.toString(), zoneFile.toString(),
                dir.resolve(zsk).toString(), dir.resolve(ksk).toString());
        // Only RRsets this zone signs (a parent zone's name space also covers its children's names).
        Set<Rrset> signedHere = new HashSet<>();
        for (String line : Files.readAllLines(signed, StandardCharsets.US_ASCII)) {
            coveredRrset(line).ifPresent(signedHere::add);
        }
        List<Rrset> spoiled = expired.stream().filter(signedHere::contains).toList();
        if (!spoiled.isEmpty()) {
            Path stale = zoneFile.resolveSibling(zoneFile.getFileName() + ".expired");
            run(dir, signzone.toString(), "-i", "20200101000000", "-e", "20200201000000", "-o", origin + ".", "-f",
                    stale.toString(), zoneFile.toString(), dir.resolve(zsk).toString(), dir.resolve(ksk).toString());
            splice(signed, stale, spoiled);
        }
        List<String> ds = new ArrayList<>();
        for (String line : run(dir, key2ds.toString(), "-n", "-2", dir.resolve(ksk + ".key").toString()).lines().toList()) {
            if (!line.isBlank()) {
                ds.add(line.strip());
            }
        }
        dsByZone.put(origin, List.copyOf(ds));
        return new TestZones.Signed(signed, ds);
    }

    /** Replaces, in {@code signed}, the RRSIGs covering {@code rrsets} with those of {@code stale}. */
    private static void splice(Path signed, Path stale, List<Rrset> rrsets) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(signed, StandardCharsets.US_ASCII)) {
            if (coveredRrset(line).filter(rrsets::contains).isEmpty()) {
                out.add(line);
            }
        }
        int replaced = 0;
        for (String line : Files.readAllLines(stale, StandardCharsets.US_ASCII)) {
            if (coveredRrset(line).filter(rrsets::contains).isPresent()) {
                out.add(line);
                replaced++;
            }
        }
        if (replaced < rrsets.size()) {
            throw new IllegalStateException("no RRSIG to replace for some of " + rrsets + " in " + signed.getFileName());
        }
        Files.write(signed, out, StandardCharsets.US_ASCII);
    }

    /** For an RRSIG line ("owner ttl IN RRSIG TYPE alg ..."), the RRset it covers. */
    private static Optional<Rrset> coveredRrset(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length > 4 && f[3].equalsIgnoreCase("RRSIG")) {
            return Optional.of(rrset(f[0], f[4]));
        }
        return Optional.empty();
    }

    private static Rrset rrset(String owner, String type) {
        String o = owner.toLowerCase(Locale.ROOT);
        return new Rrset(o.endsWith(".") ? o.substring(0, o.length() - 1) : o, type.toUpperCase(Locale.ROOT));
    }

    /** The DS records of {@code origin}'s KSK, once it has been signed (for {@code test} this is the anchor). */
    List<String> ds(String origin) {
        List<String> ds = dsByZone.get(origin);
        if (ds == null) {
            throw new IllegalStateException(origin + " has not been signed");
        }
        return ds;
    }

    /** Writes the TLD's DS as a zone-file trust anchor (dnsjava loadTrustAnchors, Unbound trust-anchor-file). */
    Path trustAnchor(Path file) throws IOException {
        Files.writeString(file, String.join("\n", ds(TestZones.TLD)) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * A trust-anchor file for {@code origin} that matches no key this world signs with: the DS of a fresh KSK
     * that never signs anything. A validator given it finds every answer under {@code origin} bogus.
     */
    static Path unrelatedAnchor(String origin, Path dir, Path file) throws IOException, InterruptedException {
        Path keygen = HostTools.require("ldns-keygen", "ldnsutils");
        Path key2ds = HostTools.require("ldns-key2ds", "ldnsutils");
        Files.createDirectories(dir);
        String ksk = run(dir, keygen.toString(), "-a", "ECDSAP256SHA256", "-k", "-r", "/dev/urandom", origin + ".").strip();
        String ds = run(dir, key2ds.toString(), "-n", "-2", dir.resolve(ksk + ".key").toString()).strip();
        Files.writeString(file, ds + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Process p = pb.redirectErrorStream(false).start();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TOOL_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + TOOL_TIMEOUT);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + err.join());
        }
        return out;
    }
}
