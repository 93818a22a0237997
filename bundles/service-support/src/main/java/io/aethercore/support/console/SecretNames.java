package io.aethercore.support.console;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for values that never go into the audit log or any other record in clear: a configuration
 * property, a command option or an argument whose name contains one of the words {@code secret}, {@code
 * password} ({@code passwd}, {@code pwd}), {@code passphrase}, {@code pin}, {@code token}, {@code credential}, or
 * whose name is {@code key} or ends in {@code key} / {@code _key} / {@code .key} / {@code -key} (a {@code
 * private.key}, an {@code api_key}; but not {@code key.file}, a path, nor {@code keys}, nor {@code
 * monkey}). Words are matched case-insensitively at word boundaries ({@code .}, {@code _}, {@code -}, a
 * lower-to-upper case change), so {@code cookie.secret}, {@code cookieSecret}, {@code so-pin} and {@code
 * user_pin} are secret and {@code spinner}, {@code pinned_keys} and {@code tokenizer} are not. Metatype
 * attributes of type password are masked in addition by whoever can read the metatype.
 */
public final class SecretNames {

    /** What a masked value is replaced by. */
    public static final String MASK = "***";

    private static final Pattern WORD = Pattern.compile(
            "(^|[._-])(secret|secrets|password|passwd|pwd|passphrase|pin|token|credential|credentials)($|[._-])");
    private static final Pattern KEY = Pattern.compile("(^|[._-])key$");

    private SecretNames() {}

    /** Whether a property, option or argument named {@code name} holds a secret (see the class comment). */
    public static boolean isSecret(String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        String n = name.trim().replaceFirst("^-+", "")
                .replaceAll("([a-z0-9])([A-Z])", "$1.$2").toLowerCase(Locale.ROOT);
        return WORD.matcher(n).find() || KEY.matcher(n).find();
    }
}
