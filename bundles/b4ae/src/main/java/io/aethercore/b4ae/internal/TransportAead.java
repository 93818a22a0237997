package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadService;
import java.lang.management.ManagementFactory;

/**
 * Whether AES-256-GCM is worth offering for DATA records (§5.6). AES-GCM is fast only on the CPU's AES and
 * carry-less multiply instructions: the JDK's provider uses them through HotSpot intrinsics
 * ({@code UseAESIntrinsics}, on by default where the CPU has AES-NI or the ARMv8 crypto extensions). Without them,
 * or through a provider in plain Java, ChaCha20-Poly1305 is the faster choice and AES-GCM's table lookups are a
 * timing side channel, so it is not offered.
 */
final class TransportAead {

    private TransportAead() {}

    private static final boolean AES_INTRINSICS = vmFlag("UseAESIntrinsics") && vmFlag("UseGHASHIntrinsics");

    static boolean hardwareAes(AeadService provider) {
        return AES_INTRINSICS && "jdk".equals(provider.provider());
    }

    static boolean aesIntrinsics() {
        return AES_INTRINSICS;
    }

    /** A HotSpot flag through the platform MBean server (javax.management only: no com.sun import in OSGi). */
    private static boolean vmFlag(String name) {
        try {
            Object option = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"), "getVMOption",
                    new Object[] {name}, new String[] {String.class.getName()});
            return option instanceof javax.management.openmbean.CompositeData c && "true".equals(c.get("value"));
        } catch (javax.management.JMException | RuntimeException | LinkageError e) {
            return false; // not HotSpot, or the flag is unknown: no claim of hardware AES
        }
    }
}
