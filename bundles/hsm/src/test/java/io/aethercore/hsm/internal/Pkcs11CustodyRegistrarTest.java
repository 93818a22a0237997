package io.aethercore.hsm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.custody.KeyCustody;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/** The registrar registers a custody only when library, token and PIN work; a late token is picked up by the retry. */
class Pkcs11CustodyRegistrarTest {

    @TempDir
    Path dir;

    private SoftHsm hsm;
    private Path pinFile;
    private final List<Dictionary<String, ?>> registered = new CopyOnWriteArrayList<>();
    private final List<Pkcs11CustodyRegistrar> registrars = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        hsm = new SoftHsm(dir);
        pinFile = dir.resolve("pin");
        Files.writeString(pinFile, SoftHsm.PIN);
        Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() {
        registrars.forEach(Pkcs11CustodyRegistrar::deactivate);
        hsm.close();
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                        registered.add(props);
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                                (p, m, a) -> null);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private Pkcs11CustodyRegistrar.Config config(Map<String, Object> values) {
        return (Pkcs11CustodyRegistrar.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Pkcs11CustodyRegistrar.Config.class}, (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    private void activate(Map<String, Object> values) {
        registrars.add(new Pkcs11CustodyRegistrar(context(), config(values)));
    }

    private boolean waitForRegistration(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (registered.isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        return !registered.isEmpty();
    }

    @Test
    void registersAWorkingTokenWithItsProperties() throws Exception {
        String label = SoftHsm.newLabel("reg");
        hsm.initToken(label);
        activate(Map.of("token_label", label, "pin_file", pinFile.toString()));
        assertTrue(waitForRegistration(10_000), "registered");
        Dictionary<String, ?> p = registered.get(0);
        assertEquals("pkcs11:" + label, p.get(KeyCustody.NAME));
        assertEquals("hsm", p.get(KeyCustody.KIND));
        assertArrayEquals(new String[] {"Ed25519", "ECDSA-P256-SHA256"}, (String[]) p.get(KeyCustody.ALGORITHMS));
        assertEquals(20, p.get(Constants.SERVICE_RANKING));
    }

    @Test
    void doesNotRegisterWithAWrongPinOrLibrary() throws Exception {
        String label = SoftHsm.newLabel("reg");
        hsm.initToken(label);
        Files.writeString(pinFile, "wrong");
        activate(Map.of("token_label", label, "pin_file", pinFile.toString()));
        activate(Map.of("token_label", label, "pin_file", pinFile.toString(), "library", dir.resolve("nope.so").toString()));
        assertTrue(!waitForRegistration(1_500), "nothing registered");
    }

    @Test
    void aTokenThatAppearsLaterIsRegisteredByTheRetry() throws Exception {
        String label = SoftHsm.newLabel("late");
        activate(Map.of("token_label", label, "pin_file", pinFile.toString(), "retry_seconds", 1));
        assertTrue(!waitForRegistration(500), "no token yet");
        hsm.initToken(label);
        assertTrue(waitForRegistration(10_000), "registered once the token exists");
    }
}
