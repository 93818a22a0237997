package io.aethercore.api.attestation;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * A set of PCRs of one bank, e.g. {@code sha256:0,1,2,7}. Immutable; indices sorted, no duplicates.
 * Encodes to and from TPML_PCR_SELECTION (TPM 2.0 Part 2, 10.9.7) with a 3-octet bitmap (PCRs 0-23).
 */
public final class PcrSelection {

    /** PCR banks (TPM_ALG_ID of the bank's hash, digest length). */
    public enum Bank {
        SHA1(0x0004, 20, "SHA-1"),
        SHA256(0x000B, 32, "SHA-256"),
        SHA384(0x000C, 48, "SHA-384"),
        SHA512(0x000D, 64, "SHA-512");

        private final int algId;
        private final int digestLength;
        private final String jcaName;

        Bank(int algId, int digestLength, String jcaName) {
            this.algId = algId;
            this.digestLength = digestLength;
            this.jcaName = jcaName;
        }

        /** TPM_ALG_ID of the bank's hash. */
        public int algId() {
            return algId;
        }

        public int digestLength() {
            return digestLength;
        }

        /** The JCA {@code MessageDigest} name. */
        public String jcaName() {
            return jcaName;
        }

        /** The tpm2-tools name ({@code sha256}). */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Bank fromAlgId(int algId) {
            for (Bank b : values()) {
                if (b.algId == algId) {
                    return b;
                }
            }
            throw new MalformedTpmDataException(String.format("unknown PCR bank hash algorithm 0x%04x", algId));
        }
    }

    /** PCRs 0 to 23 (the PC Client profile's 24). */
    public static final int MAX_PCR = 23;

    /** The default selection of docs/operations.md ("TPM health check"): sha256:0,1,2,7 (firmware, firmware config, option ROMs, Secure Boot). */
    public static final PcrSelection PLAYBOOK = sha256(0, 1, 2, 7);

    private final Bank bank;
    private final int[] pcrs;

    private PcrSelection(Bank bank, int[] pcrs) {
        this.bank = bank;
        this.pcrs = pcrs;
    }

    public static PcrSelection of(Bank bank, int... pcrs) {
        if (bank == null) {
            throw new IllegalArgumentException("no PCR bank");
        }
        int[] sorted = Arrays.stream(pcrs).distinct().sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("a PCR selection needs at least one PCR");
        }
        if (sorted[0] < 0 || sorted[sorted.length - 1] > MAX_PCR) {
            throw new IllegalArgumentException("PCR indices are 0 to " + MAX_PCR + ": " + Arrays.toString(pcrs));
        }
        return new PcrSelection(bank, sorted);
    }

    public static PcrSelection sha256(int... pcrs) {
        return of(Bank.SHA256, pcrs);
    }

    /** Parses {@code sha256:0,1,2,7} (the tpm2-tools form) or {@code 0,1,2,7} (SHA-256). */
    public static PcrSelection parse(String text) {
        String t = text.trim();
        Bank bank = Bank.SHA256;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            try {
                bank = Bank.valueOf(t.substring(0, colon).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown PCR bank '" + t.substring(0, colon) + "' (sha1, sha256, sha384, sha512)");
            }
            t = t.substring(colon + 1);
        }
        String[] parts = t.replace("[", "").replace("]", "").split(",");
        int[] pcrs = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                pcrs[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a PCR index: '" + parts[i].trim() + "' in '" + text + "'");
            }
        }
        return of(bank, pcrs);
    }

    public Bank bank() {
        return bank;
    }

    public int[] pcrs() {
        return pcrs.clone();
    }

    public int size() {
        return pcrs.length;
    }

    /** The selection bitmap: 3 octets, bit {@code i % 8} of octet {@code i / 8} for PCR i. */
    public byte[] bitmap() {
        byte[] map = new byte[3];
        for (int p : pcrs) {
            map[p / 8] |= (byte) (1 << (p % 8));
        }
        return map;
    }

    /** TPML_PCR_SELECTION with this one bank. */
    public byte[] toTpml() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 1, (byte) (bank.algId >> 8), (byte) bank.algId, 3});
        out.writeBytes(bitmap());
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcrSelection s && s.bank == bank && Arrays.equals(s.pcrs, pcrs);
    }

    @Override
    public int hashCode() {
        return bank.hashCode() * 31 + Arrays.hashCode(pcrs);
    }

    /** The tpm2-tools form, {@code sha256:0,1,2,7}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(bank.id()).append(':');
        for (int i = 0; i < pcrs.length; i++) {
            sb.append(i == 0 ? "" : ",").append(pcrs[i]);
        }
        return sb.toString();
    }
}
