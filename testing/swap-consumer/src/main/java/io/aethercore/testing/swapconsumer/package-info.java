/** Load generator used by the integration tests to prove provider swaps. */
@Export
@Version("1.0.0")
package io.aethercore.testing.swapconsumer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
