using System.Text.Json.Serialization;

namespace WeightGuard.Cli.Commands;

/// <summary>JSON of <c>weightguard inspect eventlog</c>: <c>pcrs</c> for a TPM log, <c>measurementRegisters</c> for a CC log.</summary>
internal sealed record EventLogJson(string File, string Kind, bool CryptoAgile, IReadOnlyList<string> Algorithms, int EventCount,
    int? PaddingOffset, int? StartupLocality, IReadOnlyList<EventJson> Events, Dictionary<string, Dictionary<string, string>>? Pcrs,
    Dictionary<string, Dictionary<string, string>>? MeasurementRegisters, int DigestMismatches, SecureBootJson? SecureBoot);

/// <summary>One event. <c>register</c> is the PCR index, or the CC measurement register's index; <c>description</c> is
/// absent when the digest does not match the data (the data is then not read).</summary>
internal sealed record EventJson(int Number, long Offset, uint Register, string Type, Dictionary<string, string> Digests, int Size,
    string DigestCheck, string DigestDetail, string? Description);

/// <summary>Secure Boot as the log's digest-verified events record it, and the PCR 7 events that were not read.</summary>
internal sealed record SecureBootJson(bool? Enabled, IReadOnlyList<SecureBootVariableJson> Variables, int AuthorityEvents,
    IReadOnlyList<string> Unverified);

/// <summary>A PK/KEK/db/dbx measurement.</summary>
internal sealed record SecureBootVariableJson(string Name, string VendorGuid, int Length, int? SignatureCount, string Sha256);

/// <summary>JSON of <c>weightguard tpm info</c>.</summary>
internal sealed record TpmInfoJson(string Tpm, string Family, string Revision, string Manufacturer, string VendorString,
    string FirmwareVersion, uint PcrCount, Dictionary<string, IReadOnlyList<int>> PcrBanks, IReadOnlyList<string> PersistentHandles,
    IReadOnlyList<EkCertificateJson> EkCertificates);

/// <summary>An EK certificate found in NV.</summary>
internal sealed record EkCertificateJson(string NvIndex, string KeyType, string Subject, string Issuer, string NotAfter,
    bool? Trusted, IReadOnlyList<string>? Problems);

/// <summary>JSON of <c>weightguard tpm quote</c>.</summary>
internal sealed record TpmQuoteJson(string Tpm, string Nonce, string PcrSelection, string KeyType, string AkName,
    string AkPublicKey, string AkPublicKeyPem, string Attest, string Signature, string SignatureAlgorithm,
    Dictionary<string, Dictionary<string, string>> Pcrs, ClockJson Clock, bool Verified, IReadOnlyList<string> Problems);

/// <summary>TPMS_CLOCK_INFO of a quote.</summary>
internal sealed record ClockJson(ulong Clock, uint ResetCount, uint RestartCount, bool Safe);

/// <summary>Source-generated (NativeAOT-safe) serialisation for the TPM and event-log commands.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventLogJson))]
[JsonSerializable(typeof(TpmInfoJson))]
[JsonSerializable(typeof(TpmQuoteJson))]
internal sealed partial class TpmJsonContext : JsonSerializerContext
{
    /// <summary>PCR values as JSON: bank name → PCR index → lower-case hex.</summary>
    public static Dictionary<string, Dictionary<string, string>> Pcrs(WeightGuard.Tpm.PcrBanks banks) =>
        banks.Algorithms.ToDictionary(WeightGuard.Tpm.TpmHash.Describe,
            alg => banks.Bank(alg).ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
                kv => Convert.ToHexStringLower(kv.Value)));
}
