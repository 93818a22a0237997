package io.aethercore.hsm.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.StaticLogger;

/**
 * Routes ipkcs11wrapper's own log (by default printed to standard output, license banner included)
 * to SLF4J under {@code org.xipki.pkcs11.wrapper}; its informational lines go to DEBUG, since our
 * classes log what an operator needs.
 */
final class WrapperLogging implements org.xipki.pkcs11.wrapper.Logger {

    private static final Logger LOG = LoggerFactory.getLogger("org.xipki.pkcs11.wrapper");
    private static boolean installed;

    private WrapperLogging() {}

    static synchronized void install() {
        if (!installed) {
            StaticLogger.setLogger(new WrapperLogging());
            installed = true;
        }
    }

    @Override
    public void info(String format, Object... args) {
        LOG.debug(format, args);
    }

    @Override
    public void warn(String format, Object... args) {
        LOG.warn(format, args);
    }

    @Override
    public void error(String format, Object... args) {
        LOG.error(format, args);
    }

    @Override
    public void debug(String format, Object... args) {
        LOG.trace(format, args);
    }

    @Override
    public void trace(String format, Object... args) {
        LOG.trace(format, args);
    }

    @Override
    public boolean isDebugEnabled() {
        return LOG.isTraceEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return LOG.isDebugEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return LOG.isWarnEnabled();
    }

    @Override
    public boolean isTraceEnabled() {
        return LOG.isTraceEnabled();
    }
}
