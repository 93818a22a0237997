/**
 * Helpers for consumers of AetherCore services that must survive provider swaps.
 */
@Export
@Version("1.2.0")
package io.aethercore.support.service;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
