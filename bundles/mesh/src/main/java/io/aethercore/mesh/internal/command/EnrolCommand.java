package io.aethercore.mesh.internal.command;

import io.aethercore.api.mesh.Enrollment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:enrol}: enrol now (after a refusal was fixed, or to skip the backoff) and wait for the outcome. */
@Service
@Command(scope = "aether", name = "enrol", description = "Starts an enrollment attempt now and waits for the certificate or the refusal.")
public class EnrolCommand implements Action {

    @Option(name = "--timeout", description = "seconds to wait (default 60)")
    int timeout = 60;

    @Reference
    Enrollment enrollment;

    @Override
    public Object execute() throws Exception {
        try {
            var cert = enrollment.enrol().get(timeout, TimeUnit.SECONDS);
            System.out.println("Enrolled: " + cert.getSubjectX500Principal().getName() + ", valid until "
                    + cert.getNotAfter().toInstant());
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no outcome within " + timeout + " s: " + enrollment.status().message());
        }
    }
}
