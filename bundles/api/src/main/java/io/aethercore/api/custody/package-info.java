/**
 * Key custody: places where long-term private keys live (software key store, TPM, PKCS#11 token).
 *
 * <p>Callers hold {@link io.aethercore.api.custody.KeyHandle}s and ask the custody to sign or agree;
 * private key bytes never cross this API. Hardware custodies generate keys that cannot be exported at
 * all. Each custody registers {@link io.aethercore.api.custody.KeyCustody} with the properties {@value
 * io.aethercore.api.custody.KeyCustody#NAME} and {@value io.aethercore.api.custody.KeyCustody#KIND}.
 */
@Export
@Version("1.0.0")
package io.aethercore.api.custody;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
