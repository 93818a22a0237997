/**
 * A small, strict JSON writer and reader for bundles that must not depend on a JSON library (the audit log's
 * record codec and sinks, the operator baseline): {@link io.aethercore.support.json.Json}.
 */
@Export
@Version("1.0.0")
package io.aethercore.support.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
