/**
 * Metrics of the node, served in one place.
 *
 * <p>The platform metrics bundle owns the node's Prometheus endpoint (HTTP or HTTPS, port 9090, {@code
 * /metrics} by default; see {@code docs/configuration.md}). Any bundle adds its metrics by registering a
 * {@link io.aethercore.api.metrics.MetricsSource} service (whiteboard); every scrape asks every source. The
 * endpoint's state is the {@link io.aethercore.api.metrics.MetricsEndpoint} service.
 *
 * <p>Why text and not Prometheus' Java types: the exposition format is the stable, documented contract of
 * Prometheus (every exporter speaks it), while the client library's classes change between major versions
 * and its jars need packages a Karaf node lacks (so they are embedded privately, per bundle). With text
 * at the boundary, this package depends on nothing, a source may use any client library or none, and a new
 * client version in one bundle refreshes no other bundle.
 */
@Export
@Version("1.0.0")
package io.aethercore.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
