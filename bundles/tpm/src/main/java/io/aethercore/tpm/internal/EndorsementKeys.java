package io.aethercore.tpm.internal;

import static io.aethercore.attestation.verifier.TpmStructures.*;

import io.aethercore.api.attestation.EndorsementKey;
import java.util.Arrays;
import java.util.Optional;
import tss.Tpm;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.NV_ReadPublicResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/**
 * The endorsement key (EK) as a TPM holds it: the persistent EK of the TCG EK Credential Profile when the TPM was
 * provisioned, else one re-created from the default template; and its certificate from NV storage.
 */
final class EndorsementKeys {

    /** TCG EK Credential Profile / Provisioning Guidance: persistent handles and certificate NV indices. */
    static final int PERSISTENT_RSA = 0x81010001, PERSISTENT_ECC = 0x81010002;
    static final int CERT_RSA_NV = 0x01C00002, CERT_ECC_NV = 0x01C0000A;

    private EndorsementKeys() {}

    /** A loaded EK: flushed on release when it was created for the call (not persistent). */
    record Ek(TPM_HANDLE handle, byte[] publicArea, boolean transientKey) {
        void release(Tpm t) {
            if (transientKey) {
                t._allowErrors().FlushContext(handle);
            }
        }
    }

    static Ek load(Tpm t, EndorsementKey.Algorithm algorithm) {
        boolean rsa = algorithm == EndorsementKey.Algorithm.RSA_2048;
        ReadPublicResponse p = t._allowErrors().ReadPublic(TPM_HANDLE.from(rsa ? PERSISTENT_RSA : PERSISTENT_ECC));
        if (t._lastCommandSucceeded() && p != null && p.outPublic != null && p.outPublic.nameAlg == TPM_ALG_ID.SHA256
                && (rsa ? p.outPublic.parameters instanceof TPMS_RSA_PARMS : p.outPublic.parameters instanceof TPMS_ECC_PARMS)) {
            return new Ek(TPM_HANDLE.from(rsa ? PERSISTENT_RSA : PERSISTENT_ECC), p.outPublic.toBytes(), false);
        }
        CreatePrimaryResponse r = TpmSession.quiet(t, x -> x.CreatePrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), new TPMS_SENSITIVE_CREATE(),
                rsa ? TpmTemplates.ekTemplate() : TpmTemplates.eccEkTemplate(), new byte[0], new TPMS_PCR_SELECTION[0]));
        return new Ek(r.handle, r.outPublic.toBytes(), true);
    }

    static Optional<byte[]> readCertificate(Tpm t, int nvIndex) {
        TPM_HANDLE index = TPM_HANDLE.from(nvIndex);
        NV_ReadPublicResponse pub = t._allowErrors().NV_ReadPublic(index);
        if (!t._lastCommandSucceeded() || pub == null || pub.nvPublic == null) {
            return Optional.empty();
        }
        int size = pub.nvPublic.dataSize;
        if (size <= 0 || size > 8192) {
            return Optional.empty();
        }
        byte[] cert = new byte[size];
        for (int off = 0; off < size; off += 512) {
            int n = Math.min(512, size - off);
            byte[] chunk = t._allowErrors().NV_Read(index, index, n, off);
            if (!t._lastCommandSucceeded() || chunk == null) {
                int offset = off;
                chunk = TpmSession.quiet(t, x -> x.NV_Read(TPM_HANDLE.from(TPM_RH.OWNER), index, n, offset));
            }
            if (chunk.length != n) {
                throw new IllegalStateException("EK certificate NV read returned " + chunk.length + " bytes, asked " + n);
            }
            System.arraycopy(chunk, 0, cert, off, n);
        }
        return Optional.of(trimDer(cert));
    }

    /** EK certificate indices may be larger than the DER inside (padding); cut at the DER length. */
    static byte[] trimDer(byte[] der) {
        if (der.length < 4 || der[0] != 0x30) {
            return der;
        }
        int len = der[1] & 0xFF;
        int hdr = 2;
        if (len > 0x80) {
            int n = len & 0x7F;
            if (n > 3 || der.length < 2 + n) {
                return der;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = len << 8 | der[2 + i] & 0xFF;
            }
            hdr = 2 + n;
        }
        return hdr + len <= der.length ? Arrays.copyOf(der, hdr + len) : der;
    }
}
