package io.aethercore.api.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** The values of a {@link PcrSelection}, in the selection's order. Immutable. */
public final class PcrValues {

    private final PcrSelection selection;
    private final byte[][] values;

    /**
     * @param values one digest per selected PCR, in ascending PCR order, each of the bank's length
     */
    public PcrValues(PcrSelection selection, byte[][] values) {
        this.selection = selection;
        if (values.length != selection.size()) {
            throw new IllegalArgumentException(selection + " selects " + selection.size() + " PCRs, got " + values.length + " values");
        }
        this.values = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].length != selection.bank().digestLength()) {
                throw new IllegalArgumentException("PCR " + selection.pcrs()[i] + " value must be "
                        + selection.bank().digestLength() + " bytes for " + selection.bank().id());
            }
            this.values[i] = values[i].clone();
        }
    }

    /** Parses the tpm2-tools "values" form: the digests concatenated, as {@code tpm2_pcrread -o} writes them. */
    public static PcrValues fromConcatenated(PcrSelection selection, byte[] concatenated) {
        int len = selection.bank().digestLength();
        if (concatenated.length != len * selection.size()) {
            throw new MalformedTpmDataException("expected " + selection.size() + " digests of " + len + " bytes for "
                    + selection + ", got " + concatenated.length + " bytes");
        }
        byte[][] v = new byte[selection.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = Arrays.copyOfRange(concatenated, i * len, (i + 1) * len);
        }
        return new PcrValues(selection, v);
    }

    public PcrSelection selection() {
        return selection;
    }

    /** The value of PCR {@code pcr}. */
    public byte[] value(int pcr) {
        int[] pcrs = selection.pcrs();
        for (int i = 0; i < pcrs.length; i++) {
            if (pcrs[i] == pcr) {
                return values[i].clone();
            }
        }
        throw new IllegalArgumentException("PCR " + pcr + " is not in " + selection);
    }

    /** The digests concatenated in selection order (what tpm2-tools reads with {@code -f}). */
    public byte[] concatenated() {
        byte[] out = new byte[values.length * selection.bank().digestLength()];
        for (int i = 0; i < values.length; i++) {
            System.arraycopy(values[i], 0, out, i * values[i].length, values[i].length);
        }
        return out;
    }

    /**
     * The digest a quote signs over these values: {@code H(value_0 || value_1 || ...)}, with the hash
     * of the quote's signing scheme (SHA-256 for our attestation key).
     */
    public byte[] digest(String jcaHash) {
        try {
            return MessageDigest.getInstance(jcaHash).digest(concatenated());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaHash + " missing from the JDK", e);
        }
    }

    /** A copy with PCR {@code pcr} replaced (for policies and tests). */
    public PcrValues with(int pcr, byte[] value) {
        byte[][] v = values.clone();
        int[] pcrs = selection.pcrs();
        for (int i = 0; i < pcrs.length; i++) {
            if (pcrs[i] == pcr) {
                v[i] = value;
                return new PcrValues(selection, v);
            }
        }
        throw new IllegalArgumentException("PCR " + pcr + " is not in " + selection);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcrValues p && p.selection.equals(selection) && Arrays.deepEquals(p.values, values);
    }

    @Override
    public int hashCode() {
        return selection.hashCode() * 31 + Arrays.deepHashCode(values);
    }

    /** One line per PCR: {@code sha256 PCR 0: <hex>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int[] pcrs = selection.pcrs();
        for (int i = 0; i < pcrs.length; i++) {
            sb.append(selection.bank().id()).append(" PCR ").append(pcrs[i]).append(": ")
                    .append(HexFormat.of().formatHex(values[i])).append('\n');
        }
        return sb.toString();
    }
}
