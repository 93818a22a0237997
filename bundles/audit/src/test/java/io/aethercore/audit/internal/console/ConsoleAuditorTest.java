package io.aethercore.audit.internal.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which commands of a console line are audited (every scope), and how they are written down. */
class ConsoleAuditorTest {

    static final Set<String> READ_ONLY = Set.of("aether:audit-log", "aether:vine-status", "aether:hash");
    static final Predicate<String> RO = n -> READ_ONLY.contains(n) || ReadOnlyCommands.karaf(n);
    static final Set<String> KNOWN = Set.of("aether:purge", "aether:vine-append", "bundle:list", "bundle:stop",
            "config:list", "config:property-set", "jaas:user-add", "shell:exec", "feature:list", "gogo:each",
            "shell:echo", "gogo:echo");

    static List<String> changing(String line) {
        return CommandLines.stateChanging(line, KNOWN, RO);
    }

    @Test
    void stateChangingCommandsOfEveryScope() {
        assertEquals(List.of("aether:purge unit-test-1 --reason OperatorOverride"),
                changing("aether:purge unit-test-1 --reason \"OperatorOverride\""));
        assertEquals(List.of(), changing("aether:audit-log --last 1"));
        assertEquals(List.of(), changing("bundle:list | grep aether:purge"));
        // commands of other bundles, unknown to this one, are audited by default
        assertEquals(List.of("aether:tpm-enroll --pcrs 0,1,2,7"), changing("aether:tpm-enroll --pcrs 0,1,2,7"));
        // several statements, one read-only; unscoped names the shell knows
        assertEquals(List.of("aether:vine-append a b", "aether:purge n1"),
                changing("vine-append 'a b' ; aether:vine-status ; purge n1"));
        // self-audited commands are left to themselves
        assertEquals(List.of(), changing("aether:config-update --key a.b --value 1"));
        // Karaf's own commands: the bypasses of issue 18
        assertEquals(List.of("config:property-set -p io.aethercore.audit console.audit false"),
                changing("config:property-set -p io.aethercore.audit console.audit false"));
        assertEquals(List.of("bundle:stop 42"), changing("stop 42"));
        assertEquals(List.of("shell:exec rm -rf x"), changing("exec rm -rf x"));
        assertEquals(List.of(), changing("list ; config:list ; feature:list | grep x"));
        // inside closures, sub-expressions, assignments, and through a variable
        assertEquals(List.of("bundle:stop 42"), changing("each [1] { bundle:stop 42 }"));
        assertEquals(List.of("bundle:stop 42"), changing("echo (bundle:stop 42)"));
        assertEquals(List.of("bundle:stop 7"), changing("x = bundle:stop 7"));
        assertEquals(List.of("$cmd 42"), changing("cmd = 'bundle:stop' ; $cmd 42"));
        // a forged USER is an assignment of a literal: nothing runs
        assertEquals(List.of(), changing("USER = alice"));
    }

    @Test
    void secretsAreMasked() {
        assertEquals(List.of("aether:hsm-keygen --label k --pin *** --so-pin ***"),
                changing("aether:hsm-keygen --label k --pin 1234 --so-pin 5678"));
        assertEquals(List.of("aether:login --password=*** --user bob"),
                changing("aether:login --password=hunter2 --user bob"));
        assertEquals(List.of("aether:keys --key label-1 --api-token ***"),
                changing("aether:keys --key label-1 --api-token t0k"));
        assertEquals(List.of("config:property-set -p io.aethercore.dashboard cookie.secret ***"),
                changing("config:property-set -p io.aethercore.dashboard cookie.secret s3cr3t"));
        assertEquals(List.of("config:property-set cookie_name x"), changing("config:property-set cookie_name x"));
        assertEquals(List.of("jaas:user-add alice ***"), changing("jaas:user-add alice pa55"));
    }

    @Test
    void consoleReadonlyFromACfgFileIsOneCommaSeparatedString() {
        // console.readonly = hash, aether:b4ae-stats   (a .cfg line: one string)
        assertEquals(java.util.Set.of("hash", "b4ae-stats"),
                ConsoleAuditor.commandList(new String[] {" hash, aether:b4ae-stats ,"}));
        // console.readonly = ["hash", "b4ae-stats"]    (a typed .config array)
        assertEquals(java.util.Set.of("hash", "b4ae-stats"), ConsoleAuditor.commandList(new String[] {"hash", "b4ae-stats"}));
        assertEquals(java.util.Set.of(), ConsoleAuditor.commandList(null));
    }
}
