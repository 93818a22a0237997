package io.aethercore.itests.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.ConsoleResult;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import java.io.IOException;
import java.io.StringReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19: every console and configuration example of README.md and docs/*.md runs as written against the
 * assembled distribution (two nodes of the multi-node harness, shared by all examples). The convention is
 * in docs/testing.md, "Executable documentation".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutableDocsIT {

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(2, i -> AetherCoreNodes.node("node" + i));

    /** What the console prints when a line did not parse or run. */
    static final List<String> CONSOLE_FAILURES = List.of("Error executing command", "too many arguments",
            "Unknown option", "Command not found");
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z_ ]+[a-z0-9]*>");
    /** Host paths of examples, kept inside each node's directory: the test never writes to the host's /etc. */
    private static final List<String> HOST_PATHS = List.of("/tmp/", "/etc/aethercore/", "/var/log/aethercore/");

    static Path root;
    static List<DocExample> examples = new ArrayList<>();
    private static String lastEventId;

    @BeforeAll
    static void readTheDocs() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        root = Files.exists(here.resolve("README.md")) ? here : here.getParent();
        List<String> files = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.map(p -> "docs/" + p.getFileName()).filter(n -> n.endsWith(".md")).sorted().forEach(files::add);
        }
        for (String f : files) {
            examples.addAll(DocExample.read(root, f));
        }
        System.out.printf("ExecutableDocsIT: two nodes ready in %d ms; %d fenced blocks in %d files%n",
                NODES.startMillis(), examples.size(), files.size());
    }

    /** A console line in a block that is not marked console is documentation that nobody runs: refused. */
    @Test
    @Order(1)
    void everyConsoleExampleIsMarkedAndNoneIsSkipped() {
        List<String> unmarked = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (DocExample e : examples) {
            if (e.marker().containsKey("skip-reason")) {
                // an example that cannot run is wrong or belongs in a ```text block: no exemptions
                skipped.add(e.where() + " (" + e.marker().get("skip-reason") + ")");
                continue;
            }
            if (e.lang().equals("console") || e.lang().equals("cfg")) {
                continue;
            }
            for (String l : e.lines()) {
                if (DocExample.CONSOLE_LINE.matcher(l.strip()).matches()) {
                    unmarked.add(e.where() + " ```" + e.lang() + ": " + l.strip());
                    break;
                }
            }
        }
        assertEquals(List.of(), skipped, "examples marked skip-reason: make them run, or show them as ```text");
        assertEquals(List.of(), unmarked, "console lines outside ```console blocks (mark them, docs/testing.md)");
    }

    /** Item 3: every aether:* command's --help runs and shows options before arguments, the order that parses. */
    @Test
    @Order(2)
    void everyAetherCommandsHelpRuns() throws IOException {
        KarafNode n = NODES.node(1);
        // Karaf's help prints nothing over an exec channel: the commands are those the sources declare
        TreeSet<String> commands = new TreeSet<>();
        Pattern declared = Pattern.compile("@Command\\(scope = \"aether\", name = \"([a-z0-9-]+)\"");
        try (Stream<Path> s = Files.walk(root.resolve("bundles"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith("Command.java"))::iterator) {
                Matcher m = declared.matcher(Files.readString(p));
                while (m.find()) {
                    commands.add("aether:" + m.group(1));
                }
            }
        }
        assertTrue(commands.size() >= 20, "aether commands found by help: " + commands);
        List<String> bad = new ArrayList<>();
        for (String c : commands) {
            ConsoleResult r = n.run(c + " --help");
            String out = r.output();
            int syntax = out.indexOf("SYNTAX");
            String usage = syntax < 0 ? "" : out.substring(syntax).lines().skip(1).findFirst().orElse("").strip();
            if (!r.ok() || syntax < 0 || !usage.startsWith(c) || failed(out) != null
                    || (usage.contains("[options]") && !usage.matches(Pattern.quote(c) + " \\[options\\].*"))) {
                bad.add(c + " -> exit " + r.exitStatus() + ": " + out);
            }
        }
        System.out.printf("ExecutableDocsIT: --help of %d aether commands checked%n", commands.size());
        assertEquals(List.of(), bad);
    }

    /** Items 1, 2, 4 and 5: every marked example, in document order, on the node it names. */
    @Test
    @Order(3)
    void everyExampleRunsAsWritten() throws Exception {
        long t0 = System.nanoTime();
        int blocks = 0;
        int lines = 0;
        List<String> failures = new ArrayList<>();
        for (DocExample e : examples) {
            if (!e.runnable()) {
                continue;
            }
            blocks++;
            try {
                lines += e.lang().equals("console") ? runConsole(e) : applyCfg(e);
            } catch (AssertionError | RuntimeException x) {
                failures.add(e.where() + " on " + e.node() + ": " + x.getMessage());
            }
        }
        System.out.printf("ExecutableDocsIT: %d examples (%d console lines and cfg files) run in %d ms%n", blocks, lines,
                (System.nanoTime() - t0) / 1_000_000);
        assertTrue(blocks >= 15, "only " + blocks + " runnable examples found");
        assertEquals(List.of(), failures, "examples that do not run as written");
    }

    // ------------------------------------------------------------------------------------------ console

    private int runConsole(DocExample e) throws Exception {
        KarafNode n = node(e);
        DatagramSocket taken = e.needs("b4ae-port-taken") ? takeB4aePort(n) : null;
        StringBuilder outputs = new StringBuilder();
        try {
            for (String raw : e.commands()) {
                String cmd = substitute(raw, n);
                ConsoleResult r = n.run(cmd, Duration.ofSeconds(90));
                String why = failed(r.output());
                if (!r.ok() || why != null) {
                    throw new AssertionError("'" + cmd + "' failed (exit " + r.exitStatus() + (why == null ? "" : ", " + why)
                            + "):\n" + r.output());
                }
                Matcher id = EVENT_ID.matcher(r.output());
                while (id.find()) {
                    lastEventId = id.group(1);
                }
                outputs.append(r.output()).append('\n');
                if (cmd.startsWith("bundle:") || cmd.startsWith("feature:")) {
                    awaitB4ae(n); // a refresh restarts the capability bundles: the next line needs them back
                }
            }
        } finally {
            if (taken != null) {
                releaseB4aePort(n, taken);
            }
        }
        String expect = e.marker().get("expect");
        if (expect != null && !outputs.toString().contains(expect)) {
            throw new AssertionError("the output does not contain '" + expect + "':\n" + outputs);
        }
        return e.commands().size();
    }

    static String failed(String output) {
        for (String f : CONSOLE_FAILURES) {
            if (output.contains(f)) {
                return "the console said '" + f + "'";
            }
        }
        return null;
    }

    /** Item 4: the example runs while another socket holds the node's B4AE port. */
    private static DatagramSocket takeB4aePort(KarafNode n) throws Exception {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        n.configure(AetherCoreNodes.B4AE_PID, "listen_address", "127.0.0.1:" + s.getLocalPort());
        n.awaitOutput("aether:b4ae-sessions -i", o -> o.contains("not listening"), Duration.ofSeconds(30));
        return s;
    }

    private static void releaseB4aePort(KarafNode n, DatagramSocket s) throws Exception {
        s.close();
        n.configure(AetherCoreNodes.B4AE_PID, "listen_address", n.b4aeAddress());
        n.awaitOutput("aether:b4ae-sessions -i", o -> o.contains(" on /" + n.b4aeAddress()), Duration.ofSeconds(30));
    }

    private static void awaitB4ae(KarafNode n) throws InterruptedException {
        n.awaitOutput("aether:b4ae-sessions -i", o -> o.contains("pin me with: ") && !o.contains("not listening"),
                Duration.ofSeconds(60));
    }

    // ------------------------------------------------------------------------------------------ cfg

    private int applyCfg(DocExample e) throws Exception {
        KarafNode n = node(e);
        Map<String, List<String>> files = e.cfgFiles();
        if (files.isEmpty()) {
            throw new AssertionError("a cfg block names no etc/<pid>.cfg file");
        }
        for (Map.Entry<String, List<String>> f : files.entrySet()) {
            Properties p = new Properties();
            p.load(new StringReader(String.join("\n", f.getValue())));
            Map<String, String> values = new LinkedHashMap<>();
            for (String k : new TreeSet<>(p.stringPropertyNames())) {
                String v = substitute(p.getProperty(k), n);
                if (v.matches(".*\\s#.*")) {
                    throw new AssertionError(f.getKey() + ".cfg: '" + k + "' has a trailing comment, which a .cfg file"
                            + " keeps as part of the value: put comments on their own lines");
                }
                values.put(k, v);
            }
            if (e.needs("softhsm")) {
                softHsmToken(values.get("token.label"), values.get("pin.file"));
            }
            int logFrom = n.log().length();
            n.configureAll(f.getKey(), values);
            String filter = "config:list \"(felix.fileinstall.filename=*/" + f.getKey() + ".cfg)\"";
            String shown = n.awaitOutput(filter, o -> values.entrySet().stream().allMatch(kv -> shows(o, kv.getKey(),
                    kv.getValue())), Duration.ofSeconds(20));
            Thread.sleep(1500); // the component's answer to the change lands in the log within this
            List<String> complaints = new ArrayList<>();
            for (String line : n.log().substring(logFrom).split("\n")) {
                if (line.matches("(?i).*\\b(ignored|refused)\\b.*") && !line.matches("(?i).*connection refused.*")) {
                    complaints.add(line);
                }
            }
            if (!complaints.isEmpty()) {
                throw new AssertionError(f.getKey() + ".cfg was not accepted:\n" + String.join("\n", complaints)
                        + "\nconfiguration:\n" + shown);
            }
        }
        return files.size();
    }

    private static boolean shows(String configList, String key, String value) {
        if (value.contains("${")) {
            return configList.contains(key + " = ");
        }
        return configList.contains(key + " = " + value);
    }

    private static void softHsmToken(String label, String pinFile) throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        assertTrue(conf != null, "SOFTHSM2_CONF is not set: run the integration tests through Maven");
        Path confPath = Path.of(conf);
        Path tokens = confPath.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confPath, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String pin = "docs-" + label;
        Process proc = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "12345678",
                "--pin", pin).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), "softhsm2-util failed (apt-get install softhsm2 opensc): " + out);
        Path pinPath = Path.of(pinFile);
        Files.createDirectories(pinPath.getParent());
        Files.deleteIfExists(pinPath);
        Files.createFile(pinPath, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pinPath, pin);
    }

    // ------------------------------------------------------------------------------------------ placeholders

    private static KarafNode node(DocExample e) {
        for (KarafNode n : NODES.nodes()) {
            if (n.name().equals(e.node())) {
                return n;
            }
        }
        throw new AssertionError("no node " + e.node() + " (node1, node2)");
    }

    /**
     * The substitutions of docs/testing.md: placeholders the test knows, the documented B4AE ports 4000 and 4001
     * as node1's and node2's, the swtpm port 2321 as the node's own, host paths inside the node's directory.
     */
    static String substitute(String text, KarafNode n) throws IOException {
        String s = text;
        for (KarafNode other : NODES.nodes()) {
            if (s.contains("<identity of " + other.name() + ">")) {
                s = s.replace("<identity of " + other.name() + ">", AetherCoreNodes.identity(other));
            }
        }
        if (s.contains("<event_id>")) {
            assertTrue(lastEventId != null, "<event_id> before any command printed an event_id");
            s = s.replace("<event_id>", lastEventId);
        }
        s = s.replace("127.0.0.1:4000", NODES.node(1).b4aeAddress()).replace("127.0.0.1:4001", NODES.node(2).b4aeAddress());
        if (n.swtpm() != null) {
            s = s.replace("127.0.0.1:2321", "127.0.0.1:" + n.swtpm().port());
        }
        for (String host : HOST_PATHS) {
            if (s.contains(host)) {
                Path mapped = n.home().resolve("host" + host);
                Files.createDirectories(mapped);
                s = s.replace(host, mapped + "/");
            }
        }
        Matcher unknown = PLACEHOLDER.matcher(s);
        if (unknown.find()) {
            throw new AssertionError("unknown placeholder " + unknown.group() + " (docs/testing.md lists those the test fills in)");
        }
        return s;
    }
}
