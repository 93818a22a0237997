package io.aethercore.testing.karaf;

/** Reads the console's {@code bundle:list -t 0 --no-format} output. */
final class BundleStates {

    private BundleStates() {}

    /** True when the list has bundles and every one is Active (a fragment: Resolved). */
    static boolean allUp(String bundleList) {
        boolean any = false;
        for (String line : bundleList.split("\n")) {
            String[] f = line.split("\t");
            if (f.length < 3 || !f[0].trim().matches("\\d+")) {
                continue;
            }
            any = true;
            String state = f[1].trim();
            boolean fragment = line.contains("Hosts:");
            if (!(state.equals("Active") || fragment && state.equals("Resolved"))) {
                return false;
            }
        }
        return any;
    }
}
