/**
 * The one way an AetherCore engine owns threads: {@link io.aethercore.support.lifecycle.Workers} names
 * them, tracks them and stops them all when the component deactivates (a {@code bundle:update} must
 * leave no thread of the old bundle behind). {@link io.aethercore.support.lifecycle.GroupCommit} is the
 * one group-commit loop (a committer thread that takes what callers queued as a batch).
 *
 * <p>1.1.0: GroupCommit.
 */
@Export
@Version("1.1.0")
package io.aethercore.support.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
