package io.aethercore.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/** What every AetherCore integration test needs: a Karaf container, its console, and waiting for services. */
public abstract class AetherCoreTestSupport {

    static final String VERSION = System.getProperty("aethercore.version", "0.1.0-SNAPSHOT");
    static final String KARAF_VERSION = System.getProperty("karaf.version", "4.4.10");

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    /** Injection waits for this: boot features are installed when it is there. */
    @Inject
    protected BootFinished bootFinished;

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader("DynamicImport-Package", "*");
        return probe;
    }

    static MavenArtifactUrlReference aethercoreDistribution() {
        return maven().groupId("io.aethercore").artifactId("aethercore-karaf-distro").version(VERSION).type("tar.gz");
    }

    static MavenArtifactUrlReference stockKaraf() {
        return maven().groupId("org.apache.karaf").artifactId("apache-karaf").version(KARAF_VERSION).type("tar.gz");
    }

    /** Container options: the distribution, random ports, the build's Maven repository, JDK 17 module flags. */
    static Option[] containerOptions(MavenArtifactUrlReference distribution, String name) {
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(distribution).name(name)
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevelOption.LogLevel.INFO),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort())),
                // B4AE listens on 4000/udp by default: containers take a free loopback port instead
                editConfigurationFilePut("etc/io.aethercore.b4ae.cfg", "listen_address", "127.0.0.1:" + freePort())));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", repo));
        }
        // what bin/karaf passes on JDK 9+ and Pax Exam does not
        options.addAll(Arrays.asList(
                vmOption("--add-reads=java.xml=java.logging"),
                vmOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
                vmOption("--patch-module"),
                vmOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + KARAF_VERSION + ".jar"),
                vmOption("--patch-module"),
                vmOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + KARAF_VERSION + ".jar"),
                vmOption("--add-opens"), vmOption("java.base/java.security=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.net=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.lang=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.util=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.naming/javax.naming.spi=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED"),
                vmOption("--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED"),
                vmOption("-classpath"),
                vmOption("lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")));
        return options.toArray(new Option[0]);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a console command as an operator (user karaf, role admin) would, and returns what it
     * printed. Commands are guarded by ACLs: without the roles, bundle:* and feature:* are invisible.
     */
    protected String executeCommand(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
            operator.getPrincipals().add(new RolePrincipal(role));
        }
        Session session = sessionFactory.create(System.in, ps, ps);
        try {
            Object result = Subject.doAs(operator, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                ps.println(result);
            }
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            ps.flush();
            session.close();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println("karaf@aethercore> " + command + "\n" + text);
        return text;
    }

    protected <T> T waitForService(Class<T> type, String filter, long timeoutMillis) throws Exception {
        String f = "(&(objectClass=" + type.getName() + ")" + (filter == null ? "" : filter) + ")";
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, bundleContext.createFilter(f), null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeoutMillis);
            if (service == null) {
                throw new AssertionError("no service " + f + " within " + timeoutMillis + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    protected static void waitUntil(String what, long timeoutMillis, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @FunctionalInterface
    protected interface Check {
        boolean ok() throws Exception;
    }
}
