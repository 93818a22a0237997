package io.aethercore.audit.internal.sink;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.support.json.Json;
import io.aethercore.audit.internal.RecordCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A SIEM collector over HTTP(S): each record is POSTed as one JSON object ({@code Content-Type:
 * application/json}), each published checkpoint as {@code {"checkpoint": "<note>"}}. Any answer but
 * 2xx, a timeout or a connection failure counts as failed for that item. The JDK's client keeps the
 * connection alive between posts; the {@code Authorization} header comes from an environment variable,
 * never from a configuration file.
 */
public final class SiemHttpSink implements AuditSink {

    private final URI url;
    private final Duration timeout;
    private final String authorization;
    private final HttpClient client;

    public SiemHttpSink(URI url, Duration connectTimeout, Duration timeout, String authorization) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("SIEM url must be http or https: " + url);
        }
        this.url = url;
        this.timeout = timeout;
        this.authorization = authorization;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public void accept(AuditRecord record) throws IOException, InterruptedException {
        post(RecordCodec.sinkJson(record));
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws IOException, InterruptedException {
        post("{\"checkpoint\":" + Json.quote(CheckpointNotes.toNote(checkpoint)) + ",\"size\":" + checkpoint.checkpoint().size() + "}");
    }

    private void post(String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null && !authorization.isBlank()) {
            b.header("Authorization", authorization);
        }
        HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("SIEM " + url + " answered HTTP " + r.statusCode());
        }
    }
}
