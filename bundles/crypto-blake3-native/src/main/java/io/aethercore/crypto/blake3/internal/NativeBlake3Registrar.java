package io.aethercore.crypto.blake3.internal;

import io.aethercore.api.crypto.CryptoServices;
import io.aethercore.api.crypto.HashService;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the native BLAKE3 {@link HashService} if, and only if, the native library works here.
 *
 * <p>A DS component that <em>is</em> the service would be registered before its activation could
 * find out that the library does not load; consumers would then bind to a provider that fails. So
 * this immediate component checks first and registers the service itself, with the ranking from its
 * configuration (PID {@value #PID}).
 */
@Component(immediate = true, configurationPid = NativeBlake3Registrar.PID)
@Designate(ocd = NativeBlake3Registrar.Config.class)
public final class NativeBlake3Registrar {

    public static final String PID = "io.aethercore.crypto.blake3.native";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBlake3Registrar.class);
    /** One message per bundle revision about a missing library, however often the component restarts. */
    private static final AtomicBoolean TOLD_UNAVAILABLE = new AtomicBoolean();

    @ObjectClassDefinition(name = "AetherCore native BLAKE3 provider")
    public @interface Config {
        @AttributeDefinition(name = "Service ranking",
                description = "Higher wins; the pure-Java BouncyCastle provider ranks 10.")
        int service_ranking() default 100;
    }

    private final ServiceRegistration<HashService> registration;

    @Activate
    public NativeBlake3Registrar(BundleContext context, Config config) {
        NativeBlake3Hashing hashing = NativeBlake3Hashing.create();
        if (hashing == null) {
            if (TOLD_UNAVAILABLE.compareAndSet(false, true)) {
                LOG.warn("Native BLAKE3 is not available on this machine: {}. It is not registered;"
                        + " the pure-Java BLAKE3 provider serves instead.", NativeBlake3Hashing.unavailableReason());
            }
            registration = null;
            return;
        }
        warmUp(hashing);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, config.service_ranking());
        props.put(CryptoServices.PROVIDER, NativeBlake3Hashing.PROVIDER);
        props.put(CryptoServices.ALGORITHMS, new String[] {"BLAKE3"});
        props.put(CryptoServices.NATIVE, Boolean.TRUE);
        registration = context.registerService(HashService.class, hashing, props);
        LOG.info("Native BLAKE3 provider registered (ranking {})", config.service_ranking());
    }

    /**
     * Runs every code path once before the service is visible, so that all classes are loaded while
     * the bundle is surely resolved: a call still in flight after an uninstall must not need one.
     */
    private static void warmUp(NativeBlake3Hashing hashing) {
        byte[] data = new byte[NativeBlake3Hashing.SLICE + 1];
        hashing.newHasher(io.aethercore.api.crypto.HashAlgorithm.BLAKE3).update(data, 1, data.length - 1).digest(64);
        hashing.newBlake3Keyed(new byte[32]).update(data).digest();
        hashing.newBlake3DeriveKey("AetherCore warm-up").update(data, 0, 1).digest();
        hashing.hash(io.aethercore.api.crypto.HashAlgorithm.BLAKE3, data);
    }

    /** Whether this instance found the library and registered the service. */
    boolean registered() {
        return registration != null;
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters services of a stopping bundle itself
            }
        }
    }
}
