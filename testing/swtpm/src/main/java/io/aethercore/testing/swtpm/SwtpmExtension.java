package io.aethercore.testing.swtpm;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5: one swtpm per test class, on free ports, stopped after the class.
 * {@code @RegisterExtension static final SwtpmExtension SWTPM = new SwtpmExtension();}
 */
public final class SwtpmExtension implements BeforeAllCallback, AfterAllCallback {

    private Swtpm swtpm;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        swtpm = Swtpm.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (swtpm != null) {
            swtpm.close();
        }
    }

    public Swtpm get() {
        if (swtpm == null) {
            throw new IllegalStateException("swtpm not started (register the extension as a static field)");
        }
        return swtpm;
    }
}
