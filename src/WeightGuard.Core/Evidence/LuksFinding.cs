using System.Text.Json.Serialization;

namespace WeightGuard.Core.Evidence;

/// <summary>
/// One fact about a LUKS header that an auditor should see: a legacy mode, drive-managed encryption or damage. The
/// collector states the fact with its code and subject; the checks decide what it means (no thresholds are applied
/// here); <see cref="Message"/> is rendered from the code so that reports and <c>inspect luks</c> read the same.
/// </summary>
/// <param name="Code">What was found, one of <see cref="LuksFindingCode"/>'s constants.</param>
/// <param name="Subject">What it is about (<c>primary</c>, <c>keyslot 3</c>, the cipher), or null.</param>
/// <param name="Detail">The measured value or the reason (<c>plain</c>, <c>keyslot 1 area overlaps keyslot 0</c>), or null.</param>
/// <param name="Message">The finding as one sentence.</param>
public sealed record LuksFinding(
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Subject,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Detail,
    string Message)
{
    /// <summary>Creates a finding with its message rendered from <paramref name="code"/>.</summary>
    public static LuksFinding Of(string code, string? subject = null, string? detail = null) =>
        new(code, subject, detail, LuksFindingCode.Render(code, subject, detail));
}

/// <summary>The codes a <see cref="LuksFinding"/> can carry, and the sentence each renders to.</summary>
public static class LuksFindingCode
{
    /// <summary>The data is mapped through unchanged (<c>cipher_null</c>, a <c>linear</c> segment, no segment). Subject: the cipher or segment type.</summary>
    public const string NotEncrypted = "not-encrypted";

    /// <summary>A segment type cryptsetup stores but WeightGuard does not know. Subject: the type.</summary>
    public const string UnknownSegmentType = "segment-unknown-type";

    /// <summary>The data is encrypted only by the drive's OPAL locking range (<c>hw-opal</c>): the drive holds the
    /// keys, so neither the cipher nor the key handling can be checked from the host.</summary>
    public const string OpalDriveManaged = "opal-drive-managed";

    /// <summary>ECB mode: equal plaintext blocks give equal ciphertext. Subject: the cipher.</summary>
    public const string EcbMode = "ecb-mode";

    /// <summary>CBC with a predictable IV (plain, plain64, null): open to watermarking. Subject: the cipher; detail: the IV.</summary>
    public const string CbcPredictableIv = "cbc-predictable-iv";

    /// <summary>CBC with an unpredictable IV (essiv…): legacy, XTS is the current default. Subject: the cipher.</summary>
    public const string CbcMode = "cbc-mode";

    /// <summary>The 32-bit <c>plain</c> IV repeats on volumes over 2 TiB. Subject: the cipher.</summary>
    public const string PlainIv32Bit = "plain-iv-32bit";

    /// <summary>The <c>null</c> IV: every sector uses the same IV. Subject: the cipher.</summary>
    public const string NullIv = "null-iv";

    /// <summary>A LUKS1 header: PBKDF2 only, no metadata checksum, one header copy.</summary>
    public const string Luks1 = "luks1";

    /// <summary>A LUKS2 header copy is damaged or fails cryptsetup's metadata validation, and the other copy is used.
    /// Subject: <c>primary</c> or <c>secondary</c>; detail: what is wrong and which copy is used.</summary>
    public const string HeaderCopyDamaged = "header-copy-damaged";

    /// <summary>Both LUKS2 header copies are valid with the same seqid but different metadata; cryptsetup uses the primary.</summary>
    public const string HeaderCopiesDiverge = "header-copies-diverge";

    /// <summary>A LUKS1 key slot whose state is neither enabled nor disabled; cryptsetup treats it as disabled.
    /// Subject: <c>keyslot N</c>; detail: the state word.</summary>
    public const string Luks1KeyslotState = "luks1-keyslot-state";

    /// <summary>The sentence for a finding.</summary>
    public static string Render(string code, string? subject, string? detail) => code switch
    {
        NotEncrypted => $"{subject ?? "segment"}: data is not encrypted",
        UnknownSegmentType => $"segment type \"{subject}\" is unknown: the data is not known to be encrypted",
        OpalDriveManaged => "data is encrypted by the drive (OPAL hw-opal segment): drive-managed keys cannot be checked from the host",
        EcbMode => $"{subject}: ecb mode, equal plaintext blocks give equal ciphertext",
        CbcPredictableIv => $"{subject}: cbc with predictable IVs ({detail}) is open to watermarking",
        CbcMode => $"{subject}: legacy cbc mode (xts is the current default)",
        PlainIv32Bit => $"{subject}: 32-bit plain IV repeats on volumes over 2 TiB",
        NullIv => $"{subject}: null IV, every sector uses the same IV",
        Luks1 => "luks1: PBKDF2 only and no metadata checksum",
        HeaderCopyDamaged => $"{subject} header {detail}",
        HeaderCopiesDiverge => $"header copies have the same seqid {detail} but different metadata; using the primary copy",
        Luks1KeyslotState => $"{subject}: state {detail} is neither enabled nor disabled; treated as disabled",
        _ => subject is null ? code : $"{subject}: {code}",
    };
}
