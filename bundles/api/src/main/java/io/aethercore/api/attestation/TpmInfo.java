package io.aethercore.api.attestation;

import java.util.Map;

/**
 * What the TPM says about itself (TPM2_GetCapability, fixed properties), and where it is.
 *
 * @param kind what stands behind it
 * @param manufacturer TPM_PT_MANUFACTURER as its four ASCII characters, trimmed ({@code IFX}, {@code IBM})
 * @param firmwareVersion1 TPM_PT_FIRMWARE_VERSION_1 (vendor-defined; most vendors put major.minor in it)
 * @param firmwareVersion2 TPM_PT_FIRMWARE_VERSION_2
 * @param vendorString TPM_PT_VENDOR_STRING_1..4, trimmed
 * @param specRevision TPM_PT_REVISION (e.g. 164 for 1.64)
 * @param device where it is ({@code /dev/tpmrm0}, {@code swtpm 127.0.0.1:2321}, {@code software})
 */
public record TpmInfo(AttestationKind kind, String manufacturer, long firmwareVersion1, long firmwareVersion2,
        String vendorString, int specRevision, String device) {

    private static final Map<String, String> VENDORS = Map.ofEntries(
            Map.entry("AMD", "AMD"), Map.entry("ATML", "Atmel"), Map.entry("BRCM", "Broadcom"),
            Map.entry("CSCO", "Cisco"), Map.entry("FLYS", "Flyslice"), Map.entry("GOOG", "Google"),
            Map.entry("HPE", "HPE"), Map.entry("HISI", "Huawei"), Map.entry("IBM", "IBM"),
            Map.entry("IFX", "Infineon"), Map.entry("INTC", "Intel"), Map.entry("LEN", "Lenovo"),
            Map.entry("MSFT", "Microsoft"), Map.entry("NSM", "National Semiconductor"), Map.entry("NTZ", "Nationz"),
            Map.entry("NTC", "Nuvoton"), Map.entry("QCOM", "Qualcomm"), Map.entry("ROCC", "Rockchip"),
            Map.entry("SMSC", "SMSC"), Map.entry("SMSN", "Samsung"), Map.entry("SNS", "Sinosun"),
            Map.entry("STM", "STMicroelectronics"), Map.entry("TXN", "Texas Instruments"),
            Map.entry("WEC", "Winbond"), Map.entry("SECE", "SecEdge"), Map.entry("SW", "software, no TPM"));

    /** The manufacturer's name from the TCG vendor ID registry, or the ID itself. */
    public String manufacturerName() {
        return VENDORS.getOrDefault(manufacturer, manufacturer);
    }

    /** {@code IFX (Infineon)}, as {@code aether:tpm-test} prints it. */
    public String manufacturerDisplay() {
        String name = manufacturerName();
        return name.equals(manufacturer) ? manufacturer : manufacturer + " (" + name + ")";
    }

    /** Firmware version as major.minor from TPM_PT_FIRMWARE_VERSION_1 (upper and lower 16 bits), e.g. {@code 7.85}. */
    public String firmware() {
        return (firmwareVersion1 >>> 16 & 0xFFFF) + "." + (firmwareVersion1 & 0xFFFF);
    }

    /** TPM spec revision as {@code 1.64}. */
    public String specRevisionDisplay() {
        return specRevision / 100 + "." + String.format("%02d", specRevision % 100);
    }
}
