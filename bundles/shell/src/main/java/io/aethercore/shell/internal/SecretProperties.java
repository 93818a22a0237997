package io.aethercore.shell.internal;

import io.aethercore.support.console.SecretNames;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Whether a configuration property holds a secret: its name is secret-like ({@link SecretNames}), or some
 * bundle's metatype declares it as a password attribute ({@link AttributeDefinition#PASSWORD}). Factory
 * configurations ({@code factory.pid~name}) are looked up by their factory PID.
 */
final class SecretProperties {

    private final Supplier<MetaTypeService> metaType;
    private final Supplier<BundleContext> context;

    SecretProperties(Supplier<MetaTypeService> metaType, Supplier<BundleContext> context) {
        this.metaType = metaType;
        this.context = context;
    }

    boolean isSecret(String pid, String property) {
        return SecretNames.isSecret(property) || metatypePassword(pid, property);
    }

    private boolean metatypePassword(String pid, String property) {
        MetaTypeService mts = metaType.get();
        BundleContext bc = context.get();
        if (mts == null || bc == null) {
            return false;
        }
        int tilde = pid.indexOf('~');
        String base = tilde > 0 ? pid.substring(0, tilde) : pid;
        try {
            for (Bundle b : bc.getBundles()) {
                MetaTypeInformation info = mts.getMetaTypeInformation(b);
                if (info == null || !(contains(info.getPids(), base) || contains(info.getFactoryPids(), base))) {
                    continue;
                }
                ObjectClassDefinition ocd = info.getObjectClassDefinition(base, null);
                AttributeDefinition[] ads = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
                if (ads == null) {
                    continue;
                }
                for (AttributeDefinition ad : ads) {
                    if (ad.getID().equals(property) && ad.getType() == AttributeDefinition.PASSWORD) {
                        return true;
                    }
                }
            }
        } catch (RuntimeException e) {
            // a bundle going away while we look: only the name rule applies
        }
        return false;
    }

    private static boolean contains(String[] values, String v) {
        if (values != null) {
            for (String s : values) {
                if (v.equals(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
