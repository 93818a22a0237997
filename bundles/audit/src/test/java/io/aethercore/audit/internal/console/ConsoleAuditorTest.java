package io.aethercore.audit.internal.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which commands of a console line are audited, and how they are written down. */
class ConsoleAuditorTest {

    static final Set<String> READ_ONLY = Set.of("audit-log", "vine-status", "hash");
    static final Set<String> KNOWN = Set.of("aether:purge", "aether:vine-append", "bundle:list");

    @Test
    void stateChangingAetherCommandsOnly() {
        assertEquals(List.of("aether:purge unit-test-1 --reason OperatorOverride"),
                ConsoleAuditor.stateChanging("aether:purge unit-test-1 --reason \"OperatorOverride\"", KNOWN, READ_ONLY));
        assertEquals(List.of(), ConsoleAuditor.stateChanging("aether:audit-log --last 1", KNOWN, READ_ONLY));
        assertEquals(List.of(), ConsoleAuditor.stateChanging("bundle:list | grep aether:purge", KNOWN, READ_ONLY));
        // commands of other bundles, unknown to this one, are audited by default
        assertEquals(List.of("aether:tpm-enroll --pcrs 0,1,2,7"),
                ConsoleAuditor.stateChanging("aether:tpm-enroll --pcrs 0,1,2,7", KNOWN, READ_ONLY));
        // several statements, one read-only; unscoped names the shell knows
        assertEquals(List.of("aether:vine-append a b", "aether:purge n1"),
                ConsoleAuditor.stateChanging("vine-append 'a b' ; aether:vine-status ; purge n1", KNOWN, READ_ONLY));
        // self-audited commands are left to themselves
        assertEquals(List.of(), ConsoleAuditor.stateChanging("aether:config-update --key a.b --value 1", KNOWN, READ_ONLY));
    }

    @Test
    void secretsAreMasked() {
        assertEquals(List.of("aether:hsm-keygen --label k --pin *** --so-pin ***"),
                ConsoleAuditor.stateChanging("aether:hsm-keygen --label k --pin 1234 --so-pin 5678", KNOWN, READ_ONLY));
        assertEquals(List.of("aether:login --password=*** --user bob"),
                ConsoleAuditor.stateChanging("aether:login --password=hunter2 --user bob", KNOWN, READ_ONLY));
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
