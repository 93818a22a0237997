package io.aethercore.hsm.internal;

import io.aethercore.api.custody.KeyCustodyException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenInfo;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.*;

/** Slots and tokens of a PKCS#11 library with the mechanisms AetherCore cares about. No login needed. */
public final class TokenListing {

    public record TokenRow(long slotId, String label, String manufacturer, String model, String serial, boolean eddsa,
            boolean ecdsa, boolean edwardsKeyGen, boolean ecKeyGen, boolean mlDsa, String problem) {}

    private TokenListing() {}

    public static List<TokenRow> list(String libraryPath) throws KeyCustodyException {
        Pkcs11Library lib = Pkcs11Library.acquire(libraryPath);
        try {
            Lock read = lib.lock().readLock();
            read.lock();
            try {
                List<TokenRow> out = new ArrayList<>();
                Slot[] slots;
                try {
                    slots = lib.module().getSlotList(true);
                } catch (PKCS11Exception e) {
                    throw new KeyCustodyException("C_GetSlotList of " + lib.path() + ": " + e.getErrorName(), e);
                }
                for (Slot slot : slots) {
                    try {
                        Token token = slot.getToken();
                        TokenInfo info = token.getTokenInfo();
                        Set<Long> m = new HashSet<>();
                        for (long x : token.getMechanismList()) {
                            m.add(x);
                        }
                        out.add(new TokenRow(slot.getSlotID(), info.isTokenInitialized() ? strip(info.getLabel()) : "(not initialised)",
                                strip(info.getManufacturerID()), strip(info.getModel()), strip(info.getSerialNumber()),
                                m.contains(CKM_EDDSA), m.contains(CKM_ECDSA), m.contains(CKM_EC_EDWARDS_KEY_PAIR_GEN),
                                m.contains(CKM_EC_KEY_PAIR_GEN),
                                m.contains(Pkcs11KeyCustody.CKM_ML_DSA) || m.contains(Pkcs11KeyCustody.CKM_ML_DSA_KEY_PAIR_GEN), null));
                    } catch (PKCS11Exception | RuntimeException e) {
                        out.add(new TokenRow(slot.getSlotID(), "?", "", "", "", false, false, false, false, false, e.toString()));
                    }
                }
                return out;
            } finally {
                read.unlock();
            }
        } finally {
            lib.release();
        }
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
