namespace WeightGuard.Tpm.EventLog;

/// <summary>One digest of an event: the bank's algorithm and the value extended into it.</summary>
/// <param name="Algorithm">The hash algorithm (bank).</param>
/// <param name="Digest">The digest bytes.</param>
public sealed record TpmtHa(TpmAlgId Algorithm, byte[] Digest);

/// <summary>One event of a TCG PC Client event log (TCG_PCR_EVENT or TCG_PCR_EVENT2).</summary>
/// <param name="Number">Position in the log, from 0 (the first, header event included).</param>
/// <param name="Offset">Byte offset of the event in the log.</param>
/// <param name="PcrIndex">The PCR the event was measured into.</param>
/// <param name="EventType">The TCG event type (see <see cref="TcgEventType"/>).</param>
/// <param name="Digests">One digest per bank.</param>
/// <param name="Data">The event data.</param>
public sealed record TcgEvent(int Number, long Offset, uint PcrIndex, uint EventType, IReadOnlyList<TpmtHa> Digests, byte[] Data);

/// <summary>A parsed TCG PC Client event log.</summary>
/// <param name="CryptoAgile">True for the crypto-agile format (Spec ID Event03), false for the SHA-1 format.</param>
/// <param name="Algorithms">The banks the log carries digests for, with their digest sizes (from the Spec ID event).</param>
/// <param name="Events">All events in log order, including the Spec ID header event.</param>
public sealed record TcgEventLog(bool CryptoAgile, IReadOnlyList<(TpmAlgId Algorithm, int DigestSize)> Algorithms, IReadOnlyList<TcgEvent> Events)
{
    /// <summary>Where 0xFF padding after the last event begins (a CCEL copied from its ACPI region); null when there is none.</summary>
    public int? PaddingOffset { get; init; }
}

/// <summary>An event log is malformed. The message reads <c>offset N: problem</c>.</summary>
/// <param name="offset">Byte offset in the log where the problem is.</param>
/// <param name="problem">What is wrong.</param>
public sealed class EventLogFormatException(long offset, string problem) : Exception($"offset {offset}: {problem}")
{
    /// <summary>Byte offset in the log where the problem is.</summary>
    public long Offset { get; } = offset;

    /// <summary>What is wrong.</summary>
    public string Problem { get; } = problem;
}

/// <summary>TCG event types (PC Client Platform Firmware Profile §10.4.1) and their names.</summary>
public static class TcgEventType
{
    /// <summary>EV_NO_ACTION: not extended into any PCR.</summary>
    public const uint NoAction = 0x00000003;
    /// <summary>EV_SEPARATOR.</summary>
    public const uint Separator = 0x00000004;
    /// <summary>EV_ACTION.</summary>
    public const uint Action = 0x00000005;
    /// <summary>EV_S_CRTM_VERSION.</summary>
    public const uint SCrtmVersion = 0x00000008;
    /// <summary>EV_OMIT_BOOT_DEVICE_EVENTS.</summary>
    public const uint OmitBootDeviceEvents = 0x00000012;
    /// <summary>EV_EFI_VARIABLE_DRIVER_CONFIG.</summary>
    public const uint EfiVariableDriverConfig = 0x80000001;
    /// <summary>EV_EFI_VARIABLE_BOOT.</summary>
    public const uint EfiVariableBoot = 0x80000002;
    /// <summary>EV_EFI_BOOT_SERVICES_APPLICATION.</summary>
    public const uint EfiBootServicesApplication = 0x80000003;
    /// <summary>EV_EFI_BOOT_SERVICES_DRIVER.</summary>
    public const uint EfiBootServicesDriver = 0x80000004;
    /// <summary>EV_EFI_RUNTIME_SERVICES_DRIVER.</summary>
    public const uint EfiRuntimeServicesDriver = 0x80000005;
    /// <summary>EV_EFI_GPT_EVENT.</summary>
    public const uint EfiGptEvent = 0x80000006;
    /// <summary>EV_EFI_ACTION.</summary>
    public const uint EfiAction = 0x80000007;
    /// <summary>EV_EFI_VARIABLE_BOOT2.</summary>
    public const uint EfiVariableBoot2 = 0x8000000C;
    /// <summary>EV_EFI_HCRTM_EVENT: the H-CRTM measured before the host's firmware ran (PCR 0 then starts at locality 4's value).</summary>
    public const uint EfiHcrtmEvent = 0x80000010;
    /// <summary>EV_EFI_VARIABLE_AUTHORITY.</summary>
    public const uint EfiVariableAuthority = 0x800000E0;

    private static readonly Dictionary<uint, string> Names = new()
    {
        [0x00000000] = "EV_PREBOOT_CERT", [0x00000001] = "EV_POST_CODE", [0x00000002] = "EV_UNUSED", [0x00000003] = "EV_NO_ACTION",
        [0x00000004] = "EV_SEPARATOR", [0x00000005] = "EV_ACTION", [0x00000006] = "EV_EVENT_TAG", [0x00000007] = "EV_S_CRTM_CONTENTS",
        [0x00000008] = "EV_S_CRTM_VERSION", [0x00000009] = "EV_CPU_MICROCODE", [0x0000000A] = "EV_PLATFORM_CONFIG_FLAGS",
        [0x0000000B] = "EV_TABLE_OF_DEVICES", [0x0000000C] = "EV_COMPACT_HASH", [0x0000000D] = "EV_IPL",
        [0x0000000E] = "EV_IPL_PARTITION_DATA", [0x0000000F] = "EV_NONHOST_CODE", [0x00000010] = "EV_NONHOST_CONFIG",
        [0x00000011] = "EV_NONHOST_INFO", [0x00000012] = "EV_OMIT_BOOT_DEVICE_EVENTS",
        [0x80000000] = "EV_EFI_EVENT_BASE", [0x80000001] = "EV_EFI_VARIABLE_DRIVER_CONFIG", [0x80000002] = "EV_EFI_VARIABLE_BOOT",
        [0x80000003] = "EV_EFI_BOOT_SERVICES_APPLICATION", [0x80000004] = "EV_EFI_BOOT_SERVICES_DRIVER",
        [0x80000005] = "EV_EFI_RUNTIME_SERVICES_DRIVER", [0x80000006] = "EV_EFI_GPT_EVENT", [0x80000007] = "EV_EFI_ACTION",
        [0x80000008] = "EV_EFI_PLATFORM_FIRMWARE_BLOB", [0x80000009] = "EV_EFI_HANDOFF_TABLES",
        [0x8000000A] = "EV_EFI_PLATFORM_FIRMWARE_BLOB2", [0x8000000B] = "EV_EFI_HANDOFF_TABLES2",
        [0x8000000C] = "EV_EFI_VARIABLE_BOOT2", [0x80000010] = "EV_EFI_HCRTM_EVENT", [0x800000E0] = "EV_EFI_VARIABLE_AUTHORITY",
        [0x800000E1] = "EV_EFI_SPDM_FIRMWARE_BLOB", [0x800000E2] = "EV_EFI_SPDM_FIRMWARE_CONFIG",
    };

    /// <summary>The event type's name, or <c>0xNNNNNNNN</c> for a type this table does not know.</summary>
    public static string Name(uint type) => Names.TryGetValue(type, out var n) ? n : $"0x{type:X8}";
}
