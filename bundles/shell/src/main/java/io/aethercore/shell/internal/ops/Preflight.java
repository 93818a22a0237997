package io.aethercore.shell.internal.ops;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.attestation.verifier.NonceLedger;
import io.aethercore.attestation.verifier.QuoteVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of aether:preflight (playbook Phase 1), OSGi-free: each takes what it checks and returns one
 * {@link Check}. The command gathers the inputs from the node.
 */
public final class Preflight {

    /** Playbook Step 1.3 and "Software Requirements": NTP "synchronized (≤ 1s drift)", "If offset &gt; 1s" fails. */
    public static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(1);
    /** The JDK the node is built and tested on (Karaf 4.4.10 does not start on 25). */
    public static final int REQUIRED_JDK = 17;
    /** The Karaf the node is built and tested on. */
    public static final String EXPECTED_KARAF = "4.4.10";

    private Preflight() {}

    /** Playbook Step 1.1: detect the TPM, make the AIK, quote PCRs 0,1,2,7, verify the quote. */
    public static Check tpm(Attestation attestation) {
        String name = "tpm";
        if (attestation == null) {
            return Check.fail(name, "no attestation provider (feature aethercore-tpm not installed?): enable the TPM in the BIOS");
        }
        if (!attestation.kind().hardware()) {
            return Check.fail(name, "TPM 2.0 not detected: only the software attestation serves; check BIOS settings,"
                    + " enable TPM (aether:tpm-test says more)");
        }
        TpmInfo info;
        try {
            info = attestation.info();
        } catch (AttestationException e) {
            return Check.fail(name, "TPM 2.0 not detected: " + e.getMessage());
        }
        String who = "Manufacturer=" + info.manufacturerDisplay() + ", Firmware=" + info.firmware() + " (" + info.device() + ")";
        try {
            AttestationKey ak = attestation.attestationKey();
            NonceLedger ledger = new NonceLedger(new SecureRandom(), 2);
            byte[] nonce = ledger.issue();
            Quote q = attestation.quote(nonce, PcrSelection.PLAYBOOK);
            QuoteVerification v = QuoteVerifier.verify(q, ak.publicKey(), ledger.expect(nonce, PcrSelection.PLAYBOOK));
            if (!v.ok()) {
                return Check.fail(name, who + ": quote verification failed (" + v.result() + "): TPM is compromised; replace hardware");
            }
        } catch (AttestationException e) {
            return Check.fail(name, who + ": quote generation failed: " + e.getMessage() + "; update TPM firmware");
        }
        return Check.pass(name, "TPM 2.0 " + who + ", quote over PCRs [0,1,2,7] verified");
    }

    /** Playbook Step 1.2, one line per bench row. */
    public static List<Check> bench(List<Bench.Row> rows) {
        List<Check> out = new ArrayList<>();
        for (Bench.Row r : rows) {
            String name = "bench " + r.id();
            if (!r.measured()) {
                out.add(Check.warn(name, "not measured: " + r.error()));
                continue;
            }
            String detail = r.figure() + " (" + r.verdict().name().toLowerCase(Locale.ROOT) + "; playbook "
                    + r.band().limits() + "), " + r.provider() + (r.note().isEmpty() ? "" : ", " + r.note());
            out.add(new Check(Check.Status.valueOf(r.status()), name, detail));
        }
        return out;
    }

    /** A port the node needs: free, or held by this node; held by someone else fails. */
    public static Check port(String what, PortOwners.Protocol protocol, int port, PortOwners owners) {
        String name = "port " + port + "/" + protocol.name().toLowerCase(Locale.ROOT);
        if (port == 0) {
            return Check.pass(name, what + ": configured as 0 (any free port)");
        }
        return switch (owners.owner(protocol, port)) {
            case FREE -> Check.pass(name, what + ": free");
            case THIS_NODE -> Check.pass(name, what + ": bound by this node");
            case OTHER_PROCESS -> Check.fail(name, what + ": held by another process: stop it or configure another port");
            case UNKNOWN -> Check.warn(name, what + ": cannot tell who holds it (no /proc/net on this system)");
        };
    }

    /**
     * Clock offset against each server. PASS: every answer within {@link #MAX_CLOCK_OFFSET}; FAIL: any answer
     * beyond it, or no server answered; WARN: no server configured, or some did not answer.
     */
    public static Check clock(List<Sntp.Server> servers, Sntp sntp) {
        String name = "clock";
        if (servers.isEmpty()) {
            return Check.warn(name, "no NTP server configured: set ntp.servers in etc/io.aethercore.preflight.cfg"
                    + " or pass --ntp host[,host]");
        }
        List<String> answers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean tooFar = false;
        for (Sntp.Server s : servers) {
            try {
                Sntp.Result r = sntp.query(s);
                answers.add(r.describe());
                if (r.offset().abs().compareTo(MAX_CLOCK_OFFSET) > 0) {
                    tooFar = true;
                }
            } catch (IOException | RuntimeException e) {
                problems.add(s + ": " + e.getMessage());
            }
        }
        String detail = String.join("; ", answers) + (problems.isEmpty() ? "" : (answers.isEmpty() ? "" : "; ")
                + String.join("; ", problems));
        if (answers.isEmpty()) {
            return Check.fail(name, "no NTP server answered: " + detail + "; check firewall/network routing (123/udp out)");
        }
        if (tooFar) {
            return Check.fail(name, "offset > 1 s: " + detail + "; adjust NTP server selection and synchronise the clock");
        }
        return problems.isEmpty() ? Check.pass(name, detail) : Check.warn(name, detail);
    }

    public static Check jdk(Runtime.Version version, String vendor) {
        String detail = "Java " + version + " (" + vendor + ")";
        return version.feature() == REQUIRED_JDK ? Check.pass("jdk", detail)
                : Check.fail("jdk", detail + ": JDK " + REQUIRED_JDK + " required (Karaf 4.4.10 does not run on newer ones)");
    }

    public static Check karaf(String version) {
        if (version == null || version.isBlank()) {
            return Check.warn("karaf", "version unknown");
        }
        return version.equals(EXPECTED_KARAF) ? Check.pass("karaf", "Karaf " + version)
                : Check.warn("karaf", "Karaf " + version + ": AetherCore is built and tested on " + EXPECTED_KARAF);
    }

    /** The data directory: must exist, and neither group/world-writable nor world-readable. */
    public static Check dataDirectory(Path dir) {
        String name = "data directory";
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Check.warn(name, dir + " does not exist yet (made at first start)");
        }
        Set<PosixFilePermission> p;
        try {
            p = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return Check.warn(name, dir + ": not a POSIX file system, permissions not checked");
        } catch (IOException e) {
            return Check.fail(name, dir + ": cannot read permissions: " + e.getMessage());
        }
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(p);
        if (p.contains(PosixFilePermission.OTHERS_WRITE) || p.contains(PosixFilePermission.GROUP_WRITE)) {
            return Check.fail(name, dir + " is " + mode + ": writable by group or others; chmod 700 " + dir);
        }
        if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return Check.fail(name, dir + " is " + mode + ": readable by every user (keys, Gospel, audit); chmod 700 " + dir);
        }
        return Check.pass(name, dir + " is " + mode);
    }
}
