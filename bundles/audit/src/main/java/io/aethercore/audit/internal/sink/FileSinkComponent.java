package io.aethercore.audit.internal.sink;

import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** JSON-lines file sink: {@code etc/io.aethercore.audit.sink.file-<name>.cfg}. */
@Component(service = AuditSink.class, configurationPid = FileSinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FileSinkComponent.Config.class, factory = true)
public final class FileSinkComponent implements AuditSink {

    public static final String PID = "io.aethercore.audit.sink.file";

    @ObjectClassDefinition(name = "AetherCore audit sink: JSON-lines file")
    public @interface Config {
        @AttributeDefinition(name = "name")
        String name() default "file";

        @AttributeDefinition(name = "path", description = "Empty: ${karaf.data}/aethercore/audit/audit.jsonl")
        String path() default "";

        @AttributeDefinition(name = "fsync", description = "Sync the file whenever the queue runs empty.")
        boolean fsync() default false;

        @AttributeDefinition(name = "hash_identities")
        boolean hash_identities() default false;

        @AttributeDefinition(name = "queue.capacity")
        int queue_capacity() default 10_000;
    }

    private final JsonLinesFileSink sink;

    @Activate
    public FileSinkComponent(Config c) {
        Path p = c.path().isBlank() ? Path.of(SinkComponents.karafData(), "aethercore", "audit", "audit.jsonl")
                : Path.of(c.path().trim());
        sink = new JsonLinesFileSink(p, c.fsync());
    }

    @Override
    public void accept(AuditRecord record) throws Exception {
        sink.accept(record);
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws Exception {
        sink.acceptCheckpoint(checkpoint);
    }

    @Override
    public void flush() throws Exception {
        sink.flush();
    }

    @Deactivate
    void deactivate() throws IOException {
        sink.close();
    }
}
