namespace WeightGuard.Core.Evidence;

/// <summary>The host's TPM and what its firmware event log says about the boot.</summary>
public sealed record TpmEvidence
{
    /// <summary>A TPM 2.0 answered.</summary>
    public required bool Present { get; init; }
    /// <summary>Where it was reached (<c>device:/dev/tpmrm0</c>, <c>tbs</c>, <c>swtpm:HOST:PORT</c>, <c>none</c>).</summary>
    public required string Source { get; init; }
    /// <summary>TPM family, e.g. <c>2.0</c>.</summary>
    public string? Version { get; init; }
    /// <summary>Specification revision, e.g. <c>1.64</c>.</summary>
    public string? Revision { get; init; }
    /// <summary>Manufacturer code, e.g. <c>IFX</c>, <c>INTC</c>, <c>NTC</c>.</summary>
    public string? Manufacturer { get; init; }
    /// <summary>Firmware version as <c>a.b.c.d</c>.</summary>
    public string? FirmwareVersion { get; init; }
    /// <summary>PCR banks with active PCRs, e.g. <c>sha256</c>.</summary>
    public IReadOnlyList<string> PcrBanks { get; init; } = [];
    /// <summary>EK certificates stored in the TPM's NV.</summary>
    public IReadOnlyList<TpmEkCertificateFact> EkCertificates { get; init; } = [];
    /// <summary>The firmware event log, when one was found.</summary>
    public TpmEventLogFact? EventLog { get; init; }
    /// <summary>Why the TPM could not be read, or null.</summary>
    public string? Error { get; init; }
    /// <summary>Windows only (<c>Win32_Tpm</c>): the TPM is enabled, activated and owned, so the OS can use it; null where not reported.</summary>
    public bool? Ready { get; init; }
}

/// <summary>An EK certificate found in the TPM.</summary>
/// <param name="NvIndex">Its NV index, e.g. <c>0x01C00002</c>.</param>
/// <param name="KeyType">Its key, e.g. <c>rsa2048</c>, <c>ecc-p256</c>.</param>
/// <param name="Issuer">The issuing CA's distinguished name.</param>
public sealed record TpmEkCertificateFact(string NvIndex, string KeyType, string Issuer);

/// <summary>The TCG firmware event log and whether it explains the TPM's PCRs.</summary>
public sealed record TpmEventLogFact
{
    /// <summary>Host path of the log.</summary>
    public required string Path { get; init; }
    /// <summary>Number of events, or 0 when the log could not be parsed.</summary>
    public required int Events { get; init; }
    /// <summary>True when every PCR the log extends has the value the log replays to; null when not compared (no TPM, unparsable log).</summary>
    public bool? MatchesPcrs { get; init; }
    /// <summary>The PCRs that differ, e.g. <c>sha256:7 is …, the log explains …</c>.</summary>
    public IReadOnlyList<string> Mismatches { get; init; } = [];
    /// <summary>The SecureBoot variable as measured into PCR 7; null when the log has no such event.</summary>
    public bool? SecureBoot { get; init; }
    /// <summary>The Secure Boot databases measured (PK, KEK, db, dbx) that are not empty.</summary>
    public IReadOnlyList<string> SecureBootDatabases { get; init; } = [];
    /// <summary>
    /// Events whose digest is not the hash of their data (<c>event 12 (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7): …</c>), at
    /// most <see cref="MaxDigestMismatches"/>: their data was not read, so <see cref="SecureBoot"/> never comes from them.
    /// </summary>
    public IReadOnlyList<string> DigestMismatches { get; init; } = [];
    /// <summary>Most entries kept in <see cref="DigestMismatches"/>; a last entry says how many more there were.</summary>
    public const int MaxDigestMismatches = 20;
    /// <summary>Why the log could not be read or parsed (<c>offset N: problem</c>), or null.</summary>
    public string? Error { get; init; }
}
