using System.Text;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// The TPM as <c>Win32_Tpm</c> (<c>root\cimv2\Security\MicrosoftTpm</c>, elevated only) describes it: no instance means
/// no TPM. Where TBS already reached the TPM (EK certificates, PCR banks), only <see cref="TpmEvidence.Ready"/> is added.
/// </summary>
public static class WindowsTpmCollector
{
    /// <summary>The namespace of Win32_Tpm.</summary>
    public const string Namespace = @"root\cimv2\Security\MicrosoftTpm";

    /// <summary>Collects TPM evidence, keeping what <paramref name="fromTbs"/> read when it found the TPM.</summary>
    public static TpmEvidence Collect(ICimQuery cim, TpmEvidence? fromTbs)
    {
        TpmEvidence fromCim;
        try
        {
            fromCim = Map(cim.Query(Namespace, "SELECT * FROM Win32_Tpm"));
        }
        catch (CimQueryException e)
        {
            fromCim = new TpmEvidence { Present = false, Source = "cim:Win32_Tpm", Error = e.Reason("Win32_Tpm") };
        }
        return fromTbs is { Present: true } ? fromTbs with { Ready = fromCim.Ready } : fromCim;
    }

    /// <summary>Maps the instances (none or one).</summary>
    public static TpmEvidence Map(IReadOnlyList<CimRow> rows)
    {
        if (rows.Count == 0) return new TpmEvidence { Present = false, Source = "cim:Win32_Tpm" };
        var tpm = rows[0];
        // SpecVersion is "family, level, revision", e.g. "2.0, 0, 1.38"
        var spec = (tpm.Text("SpecVersion") ?? "").Split(',', StringSplitOptions.TrimEntries);
        bool? enabled = tpm.Boolean("IsEnabled_InitialValue"), activated = tpm.Boolean("IsActivated_InitialValue"), owned = tpm.Boolean("IsOwned_InitialValue");
        return new TpmEvidence
        {
            Present = true,
            Source = "cim:Win32_Tpm",
            Version = spec[0].Length > 0 ? spec[0] : null,
            Revision = spec.Length > 2 ? spec[2] : null,
            Manufacturer = tpm.Integer("ManufacturerId") is { } id ? Vendor((uint)id) : null,
            FirmwareVersion = tpm.Text("ManufacturerVersion"),
            Ready = enabled is null || activated is null || owned is null ? null : enabled.Value && activated.Value && owned.Value,
        };
    }

    /// <summary>The manufacturer id's four ASCII letters (0x494E5443 is <c>INTC</c>), without padding.</summary>
    private static string Vendor(uint id) =>
        Encoding.ASCII.GetString([(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id]).TrimEnd('\0', ' ');
}
