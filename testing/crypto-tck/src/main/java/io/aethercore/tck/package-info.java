/** Contract tests for providers of the AetherCore crypto API. Not a bundle: used by tests only. */
package io.aethercore.tck;
