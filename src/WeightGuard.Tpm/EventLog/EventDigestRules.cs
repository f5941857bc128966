namespace WeightGuard.Tpm.EventLog;

/// <summary>What an event's digest is the hash of, per the TCG PC Client Platform Firmware Profile (§10.4.1, §10.4.4).</summary>
public enum DigestCoverage
{
    /// <summary>EV_NO_ACTION: informational, extended into no PCR (its digests are zero).</summary>
    NotExtended,
    /// <summary>The digest is the hash of the event data, so the data can be checked.</summary>
    EventData,
    /// <summary>
    /// EV_EFI_VARIABLE_BOOT: the profile says the whole UEFI_VARIABLE_DATA, but EDK2-based firmware (most of it) hashes only
    /// the variable's value. A match on the value alone proves the value, not the name: nothing reads meaning from these
    /// events beyond their description.
    /// </summary>
    VariableDataOrValue,
    /// <summary>The digest is the hash of something the log does not hold (a PE image, a firmware volume, ACPI tables…).</summary>
    Elsewhere,
}

/// <summary>How one event's digests relate to its data.</summary>
public enum DigestVerdict
{
    /// <summary>Every digest in a bank WeightGuard can hash is the hash of the data: the data may be read for meaning.</summary>
    Matches,
    /// <summary>At least one digest is not the hash of the data: the data says something the PCRs did not record.</summary>
    Mismatch,
    /// <summary>The digest covers something outside the log: the data is a description that nothing proves.</summary>
    NotCheckable,
    /// <summary>The event is not extended (EV_NO_ACTION).</summary>
    NotExtended,
}

/// <summary>One event's digest check.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Detail">Why, in a few words (the banks that differ, or what the digest covers).</param>
public sealed record DigestCheck(DigestVerdict Verdict, string Detail);

/// <summary>An event that was not read for meaning because its digest is not (or cannot be shown to be) the hash of its data.</summary>
/// <param name="Number">The event's number in the log.</param>
/// <param name="Type">Its type's name.</param>
/// <param name="Pcr">The register it was extended into.</param>
/// <param name="Problem">Which digest differs.</param>
public sealed record UnverifiedEvent(int Number, string Type, uint Pcr, string Problem)
{
    /// <summary><c>event 12 (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7): the sha256 digest is not the hash of …</c></summary>
    public override string ToString() => $"event {Number} ({Type}, PCR {Pcr}): {Problem}";
}

/// <summary>
/// The TCG rules for which event types are hashed over their data, in one table. Only events whose digest matches their
/// data may be read for meaning (go-attestation's rule): otherwise a log could carry data saying "Secure Boot on" while
/// the PCRs record the digest of "off".
/// </summary>
public static class EventDigestRules
{
    /// <summary>
    /// Event type → what its digest covers. Types not listed (EV_COMPACT_HASH, EV_NONHOST_INFO, vendor types…) are treated as
    /// <see cref="DigestCoverage.Elsewhere"/>: nothing is read from data the profile does not say is hashed.
    /// </summary>
    public static readonly IReadOnlyDictionary<uint, (DigestCoverage Coverage, string Covers)> Table = new Dictionary<uint, (DigestCoverage, string)>
    {
        [TcgEventType.NoAction] = (DigestCoverage.NotExtended, "nothing: not extended"),
        [TcgEventType.Separator] = (DigestCoverage.EventData, "the separator value (the event data)"),
        [TcgEventType.Action] = (DigestCoverage.EventData, "the action string (the event data)"),
        [TcgEventType.EfiAction] = (DigestCoverage.EventData, "the action string (the event data)"),
        [TcgEventType.EfiVariableDriverConfig] = (DigestCoverage.EventData, "the whole UEFI_VARIABLE_DATA"),
        [TcgEventType.EfiVariableBoot2] = (DigestCoverage.EventData, "the whole UEFI_VARIABLE_DATA"),
        [TcgEventType.EfiVariableAuthority] = (DigestCoverage.EventData, "the whole UEFI_VARIABLE_DATA"),
        [TcgEventType.EfiVariableBoot] = (DigestCoverage.VariableDataOrValue, "the UEFI_VARIABLE_DATA or the variable's value"),
        [TcgEventType.EfiGptEvent] = (DigestCoverage.EventData, "the UEFI_GPT_DATA (the event data)"),
        [TcgEventType.SCrtmVersion] = (DigestCoverage.EventData, "the S-CRTM version string (the event data)"),
        [TcgEventType.OmitBootDeviceEvents] = (DigestCoverage.EventData, "the string BOOT ATTEMPTS OMITTED (the event data)"),
        [TcgEventType.EfiBootServicesApplication] = (DigestCoverage.Elsewhere, "the PE image (Authenticode hash)"),
        [TcgEventType.EfiBootServicesDriver] = (DigestCoverage.Elsewhere, "the PE image (Authenticode hash)"),
        [TcgEventType.EfiRuntimeServicesDriver] = (DigestCoverage.Elsewhere, "the PE image (Authenticode hash)"),
        [TcgEventType.EfiHcrtmEvent] = (DigestCoverage.Elsewhere, "the H-CRTM code"),
        [0x00000001] = (DigestCoverage.Elsewhere, "the POST code or embedded firmware (EV_POST_CODE)"),
        [0x00000006] = (DigestCoverage.Elsewhere, "platform-defined tagged data (EV_EVENT_TAG)"),
        [0x00000007] = (DigestCoverage.Elsewhere, "the S-CRTM code (EV_S_CRTM_CONTENTS)"),
        [0x00000009] = (DigestCoverage.Elsewhere, "the microcode update (EV_CPU_MICROCODE)"),
        [0x0000000A] = (DigestCoverage.Elsewhere, "platform configuration flags (EV_PLATFORM_CONFIG_FLAGS)"),
        [0x0000000B] = (DigestCoverage.Elsewhere, "the table of devices (EV_TABLE_OF_DEVICES)"),
        [0x0000000D] = (DigestCoverage.Elsewhere, "the loaded code or configuration (EV_IPL, boot-loader defined)"),
        [0x0000000F] = (DigestCoverage.Elsewhere, "non-host code (EV_NONHOST_CODE)"),
        [0x00000010] = (DigestCoverage.Elsewhere, "non-host configuration (EV_NONHOST_CONFIG)"),
        [0x80000008] = (DigestCoverage.Elsewhere, "the firmware volume (EV_EFI_PLATFORM_FIRMWARE_BLOB)"),
        [0x8000000A] = (DigestCoverage.Elsewhere, "the firmware volume (EV_EFI_PLATFORM_FIRMWARE_BLOB2)"),
        [0x80000009] = (DigestCoverage.Elsewhere, "the handed-off tables (EV_EFI_HANDOFF_TABLES)"),
        [0x8000000B] = (DigestCoverage.Elsewhere, "the handed-off tables (EV_EFI_HANDOFF_TABLES2)"),
        [0x800000E1] = (DigestCoverage.Elsewhere, "the device's firmware (EV_EFI_SPDM_FIRMWARE_BLOB)"),
        [0x800000E2] = (DigestCoverage.Elsewhere, "the device's configuration (EV_EFI_SPDM_FIRMWARE_CONFIG)"),
    };

    /// <summary>Checks one event's digests against its data in every bank WeightGuard can hash.</summary>
    public static DigestCheck Check(TcgEvent e)
    {
        var (coverage, covers) = Table.TryGetValue(e.EventType, out var rule) ? rule : (DigestCoverage.Elsewhere, "data outside the log");
        switch (coverage)
        {
            case DigestCoverage.NotExtended: return new DigestCheck(DigestVerdict.NotExtended, covers);
            case DigestCoverage.Elsewhere: return new DigestCheck(DigestVerdict.NotCheckable, $"the digest covers {covers}");
        }
        var value = coverage == DigestCoverage.VariableDataOrValue ? UefiVariableData.TryParse(e.Data)?.Data : null;
        var differing = new List<string>();
        var checkedBanks = 0;
        foreach (var d in e.Digests.Where(d => TpmHash.CanDigest(d.Algorithm)))
        {
            checkedBanks++;
            if (!Matches(d, e.Data) && (value is null || !Matches(d, value))) differing.Add(TpmHash.Describe(d.Algorithm));
        }
        if (differing.Count > 0)
            return new DigestCheck(DigestVerdict.Mismatch, $"the {string.Join(", ", differing)} digest is not the hash of {covers}");
        return checkedBanks == 0
            ? new DigestCheck(DigestVerdict.NotCheckable, "no digest in a bank WeightGuard can hash")
            : new DigestCheck(DigestVerdict.Matches, $"the digest is the hash of {covers}");
    }

    /// <summary>The events whose digest is not the hash of their data, in log order.</summary>
    public static IReadOnlyList<UnverifiedEvent> Mismatches(TcgEventLog log) =>
        log.Events.Select(e => (Event: e, Check: Check(e))).Where(x => x.Check.Verdict == DigestVerdict.Mismatch)
            .Select(x => new UnverifiedEvent(x.Event.Number, TcgEventType.Name(x.Event.EventType), x.Event.PcrIndex, x.Check.Detail)).ToList();

    private static bool Matches(TpmtHa digest, ReadOnlySpan<byte> data) => TpmHash.Hash(digest.Algorithm, data).AsSpan().SequenceEqual(digest.Digest);
}
