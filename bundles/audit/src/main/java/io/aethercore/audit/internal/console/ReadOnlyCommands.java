package io.aethercore.audit.internal.console;

import java.util.Set;

/**
 * The Karaf 4.4 (and Gogo) console commands that change nothing on the node, so the console auditor does not
 * record them. Every command not listed here, not marked {@link io.aethercore.api.console.ReadOnly} and not in
 * {@code console.readonly} is recorded before it runs: a command added by any bundle later is audited until
 * someone says it is read-only. The list is deliberately short and conservative: a command that only reads with
 * some options and writes with others ({@code system:name}, {@code system:start-level}, {@code
 * system:property}, {@code log:set}, {@code bundle:start-level}) is recorded; so is anything that runs other
 * commands or code ({@code shell:source}, {@code shell:exec}, {@code shell:watch}, {@code gogo:eval}, {@code
 * shell:java}, {@code shell:new}). Flow control words ({@code each}, {@code if}, ...) are read-only because the
 * commands inside their closures are examined on their own. docs/audit.md lists the rule.
 */
final class ReadOnlyCommands {

    static final Set<String> KARAF = Set.of(
            // bundle
            "bundle:list", "bundle:headers", "bundle:info", "bundle:tree-show", "bundle:diag", "bundle:capabilities",
            "bundle:requirements", "bundle:classes", "bundle:find-class", "bundle:services", "bundle:status",
            "bundle:id",
            // config (read side; config:edit only opens a session-local editing buffer)
            "config:list", "config:exists", "config:property-list", "config:property-get", "config:meta",
            "config:edit", "config:cancel",
            // feature
            "feature:list", "feature:info", "feature:repo-list", "feature:version-list", "feature:provided",
            "feature:requirement-list", "feature:status",
            // logs, services, packages, components
            "log:display", "log:tail", "log:get", "log:exception-display",
            "service:list", "service:wait", "package:exports", "package:imports",
            "scr:list", "scr:info", "scr:details",
            "kar:list", "instance:list", "instance:status", "jaas:realm-list", "jaas:user-list", "jaas:group-list",
            "jaas:pending-list", "maven:summary", "maven:repository-list", "http:list", "web:list", "web:wars",
            "system:version", "system:framework-options",
            // shell utilities that only print
            "shell:echo", "shell:grep", "shell:head", "shell:tail", "shell:more", "shell:less", "shell:sort",
            "shell:wc", "shell:date", "shell:printf", "shell:history", "shell:info", "shell:tac", "shell:cat",
            "shell:clear", "shell:threads", "shell:sleep", "shell:stack-traces-print", "shell:help", "shell:exit",
            "shell:logout", "shell:completion", "shell:env", "*:help", "gogo:help",
            // Gogo builtins and flow control (closures are examined on their own)
            "gogo:echo", "gogo:grep", "gogo:cat", "gogo:format", "gogo:getopt", "gogo:tac", "gogo:type", "gogo:ls",
            "gogo:cd", "gogo:pwd", "gogo:less", "gogo:sort", "gogo:head", "gogo:tail", "gogo:wc", "gogo:each",
            "gogo:if", "gogo:not", "gogo:until", "gogo:while", "gogo:break", "gogo:continue", "gogo:throw",
            "gogo:try", "gogo:jobs", "gogo:history", "gogo:clear", "gogo:date", "gogo:sleep");

    private ReadOnlyCommands() {}

    static boolean karaf(String scopedName) {
        return KARAF.contains(scopedName);
    }
}
