package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadService;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;

/**
 * Whether AES-256-GCM is worth offering for DATA records (§5.6). AES-GCM is fast only on the CPU's AES and
 * carry-less multiply instructions: the JDK's provider uses them through HotSpot intrinsics. Without them, or
 * through a provider in plain Java, ChaCha20-Poly1305 is the faster choice and AES-GCM's table lookups are a
 * timing side channel, so it is not offered.
 *
 * <p>What HotSpot tells: {@code UseAES} (a product flag) is true when the CPU has AES instructions, and on x86
 * {@code UseCLMUL} when it has carry-less multiply. {@code UseAESIntrinsics} and {@code UseGHASHIntrinsics}
 * follow them by default but are diagnostic flags since JDK 14: they are visible (and can be switched off)
 * only with {@code -XX:+UnlockDiagnosticVMOptions}. So: AES and (on x86) CLMUL present, and neither intrinsic
 * switched off where it can be seen. An unknown flag says nothing; an unreadable {@code UseAES} means no claim.
 */
final class TransportAead {

    private TransportAead() {}

    private static final boolean AES_INTRINSICS = decide(TransportAead::vmFlag);

    static boolean hardwareAes(AeadService provider) {
        return AES_INTRINSICS && "jdk".equals(provider.provider());
    }

    static boolean aesIntrinsics() {
        return AES_INTRINSICS;
    }

    /** The rule above, over a flag reader that answers true, false or null (flag unknown or hidden). */
    static boolean decide(java.util.function.Function<String, Boolean> flag) {
        return Boolean.TRUE.equals(flag.apply("UseAES"))
                && !Boolean.FALSE.equals(flag.apply("UseCLMUL"))
                && !Boolean.FALSE.equals(flag.apply("UseAESIntrinsics"))
                && !Boolean.FALSE.equals(flag.apply("UseGHASHIntrinsics"));
    }

    /**
     * A HotSpot flag, or null when the JVM does not show it. Read from the JVM's {@code HotSpotDiagnosticMXBean}
     * object itself, by reflection (no com.sun import in OSGi), not through the platform MBean server: inside
     * Karaf that server is wrapped by Karaf's JMX guard, which consults the configuration admin and the caller's
     * subject on every invoke, and this runs while crypto services come and go.
     */
    static Boolean vmFlag(String name) {
        try {
            Class<?> type = Class.forName("com.sun.management.HotSpotDiagnosticMXBean", true,
                    ClassLoader.getSystemClassLoader());
            Object bean = platformBean(type);
            Object option = type.getMethod("getVMOption", String.class).invoke(bean, name);
            return Boolean.valueOf("true".equals(option.getClass().getMethod("getValue").invoke(option)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // not HotSpot, or the flag is unknown or hidden (diagnostic)
        }
    }

    @SuppressWarnings("unchecked")
    private static Object platformBean(Class<?> type) {
        return ManagementFactory.getPlatformMXBean((Class<? extends PlatformManagedObject>) type);
    }
}
