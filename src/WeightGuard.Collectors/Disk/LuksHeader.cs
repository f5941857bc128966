using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>A parsed LUKS header: exactly one of <see cref="Luks1"/> and <see cref="Luks2"/> is set.</summary>
/// <param name="Luks1">The LUKS1 header, or null.</param>
/// <param name="Luks2">The LUKS2 header, or null.</param>
public sealed record LuksHeader(Luks1Header? Luks1, Luks2Header? Luks2)
{
    /// <summary>1 or 2.</summary>
    public int Version => Luks1 is not null ? 1 : 2;
}

/// <summary>The LUKS1 <c>phdr</c> (592 bytes at offset 0, big-endian), without salts and digests.</summary>
/// <param name="CipherName">e.g. <c>aes</c>.</param>
/// <param name="CipherMode">e.g. <c>xts-plain64</c>.</param>
/// <param name="HashSpec">PBKDF2 and anti-forensic hash, e.g. <c>sha256</c>.</param>
/// <param name="PayloadOffset">Start of the encrypted data, in 512-byte sectors.</param>
/// <param name="KeyBytes">Volume key length in bytes.</param>
/// <param name="MkDigestIterations">PBKDF2 iterations of the volume-key digest.</param>
/// <param name="Uuid">The header UUID.</param>
/// <param name="Keyslots">All eight key slots, active or not.</param>
/// <param name="Findings">Damage cryptsetup tolerates (a key-slot state that is neither enabled nor disabled).</param>
public sealed record Luks1Header(
    string CipherName,
    string CipherMode,
    string HashSpec,
    uint PayloadOffset,
    uint KeyBytes,
    uint MkDigestIterations,
    string Uuid,
    IReadOnlyList<Luks1Keyslot> Keyslots,
    IReadOnlyList<LuksFinding> Findings);

/// <summary>One LUKS1 key slot (48 bytes).</summary>
/// <param name="Index">0–7.</param>
/// <param name="Active">True for <c>LUKS_KEY_ENABLED</c> (0x00AC71F3); any other state is disabled, as cryptsetup reads it.</param>
/// <param name="Iterations">PBKDF2 iterations.</param>
/// <param name="KeyMaterialOffset">Start of the key material, in sectors.</param>
/// <param name="Stripes">Anti-forensic stripes.</param>
public sealed record Luks1Keyslot(int Index, bool Active, uint Iterations, uint KeyMaterialOffset, uint Stripes);

/// <summary>A LUKS2 header: the binary header copy in use, every copy found, and the JSON metadata.</summary>
/// <param name="Binary">The copy cryptsetup uses (valid checksum and metadata; the higher seqid, the primary on a tie).</param>
/// <param name="Copies">Every binary header copy found (primary first).</param>
/// <param name="Metadata">The JSON metadata of <see cref="Binary"/>.</param>
/// <param name="Findings">Damage to the other copy (or divergence between equal copies), with the copy used.</param>
public sealed record Luks2Header(Luks2BinaryHeader Binary, IReadOnlyList<Luks2BinaryHeader> Copies, Luks2Metadata Metadata,
    IReadOnlyList<LuksFinding> Findings);

/// <summary>The 4096-byte LUKS2 binary header (<c>struct luks2_hdr_disk</c>), without salt and checksum bytes.</summary>
/// <param name="Offset">Where this copy starts.</param>
/// <param name="Primary">True for the <c>LUKS\xba\xbe</c> copy, false for the <c>SKUL\xba\xbe</c> secondary.</param>
/// <param name="HdrSize">Binary header plus JSON area, in bytes.</param>
/// <param name="Seqid">Sequence id, incremented on every metadata update.</param>
/// <param name="Label">The label, or empty.</param>
/// <param name="ChecksumAlg">The checksum algorithm (<c>sha256</c>).</param>
/// <param name="Uuid">The header UUID.</param>
/// <param name="Subsystem">The subsystem label, or empty.</param>
/// <param name="HdrOffset">The offset this copy claims for itself.</param>
/// <param name="ChecksumValid">Whether the checksum over <see cref="HdrSize"/> bytes verifies.</param>
/// <param name="InUse">Whether this is the copy cryptsetup uses.</param>
/// <param name="Problem">Why this copy is not usable (checksum, validation, older seqid), or null.</param>
public sealed record Luks2BinaryHeader(
    ulong Offset,
    bool Primary,
    ulong HdrSize,
    ulong Seqid,
    string Label,
    string ChecksumAlg,
    string Uuid,
    string Subsystem,
    ulong HdrOffset,
    bool ChecksumValid,
    bool InUse = false,
    string? Problem = null);

/// <summary>The LUKS2 JSON metadata objects.</summary>
/// <param name="Keyslots">The <c>keyslots</c> object, by id.</param>
/// <param name="Segments">The <c>segments</c> object, by id.</param>
/// <param name="Digests">The <c>digests</c> object, by id.</param>
/// <param name="Tokens">The <c>tokens</c> object, by id.</param>
/// <param name="Config">The <c>config</c> object.</param>
public sealed record Luks2Metadata(
    IReadOnlyList<Luks2Keyslot> Keyslots,
    IReadOnlyList<Luks2Segment> Segments,
    IReadOnlyList<Luks2Digest> Digests,
    IReadOnlyList<LuksTokenSummary> Tokens,
    Luks2Config Config);

/// <summary>A LUKS2 keyslot object.</summary>
/// <param name="Id">The keyslot id.</param>
/// <param name="Type"><c>luks2</c> (or <c>reencrypt</c>).</param>
/// <param name="KeySize">Size of the stored key in bytes.</param>
/// <param name="Priority">0 ignore, 1 normal, 2 high; null when absent (normal).</param>
/// <param name="Af">The anti-forensic splitter.</param>
/// <param name="Area">Where the key material lies.</param>
/// <param name="Kdf">The key-derivation function.</param>
public sealed record Luks2Keyslot(int Id, string Type, int KeySize, int? Priority, Luks2Af? Af, Luks2Area Area, PbkdfSummary? Kdf);

/// <summary>A LUKS2 keyslot <c>af</c> object.</summary>
/// <param name="Type"><c>luks1</c> (validated for <c>luks2</c> keyslots only; null when not a string).</param>
/// <param name="Stripes">Stripes (4000), or null when not an integer.</param>
/// <param name="Hash">The AF hash, or null when not a string.</param>
public sealed record Luks2Af(string? Type, int? Stripes, string? Hash);

/// <summary>A LUKS2 keyslot <c>area</c> object.</summary>
/// <param name="Type"><c>raw</c> (or <c>none</c>, <c>journal</c>, <c>checksum</c>, <c>datashift</c> during re-encryption).</param>
/// <param name="Offset">Byte offset of the area.</param>
/// <param name="Size">Byte size of the area.</param>
/// <param name="Encryption">The cipher of the key material (raw areas).</param>
/// <param name="KeySize">The key size of that cipher in bytes (raw areas).</param>
public sealed record Luks2Area(string Type, ulong Offset, ulong Size, string? Encryption, int? KeySize);

/// <summary>A LUKS2 segment object.</summary>
/// <param name="Id">The segment id.</param>
/// <param name="Type"><c>crypt</c>, <c>linear</c>, <c>hw-opal</c>, <c>hw-opal-crypt</c>, or another type cryptsetup stores as is.</param>
/// <param name="Offset">Byte offset of the data.</param>
/// <param name="Size">Byte size, or null for <c>dynamic</c> (to the end of the device).</param>
/// <param name="Encryption">The data cipher (crypt segments).</param>
/// <param name="SectorSize">Encryption sector size (crypt segments; 512 otherwise).</param>
/// <param name="Integrity">The dm-integrity algorithm (authenticated encryption), or null.</param>
/// <param name="Flags">The segment flags (<c>backup-final</c>, <c>in-reencryption</c>…).</param>
/// <param name="OpalKeyBits">OPAL segments: the drive's locking-range key size in bits (<c>opal_key_size</c>), or null.</param>
public sealed record Luks2Segment(int Id, string Type, ulong Offset, ulong? Size, string? Encryption, int SectorSize, string? Integrity,
    IReadOnlyList<string> Flags, int? OpalKeyBits);

/// <summary>A LUKS2 digest object (which keyslots hold the key of which segments).</summary>
/// <param name="Id">The digest id.</param>
/// <param name="Type"><c>pbkdf2</c>.</param>
/// <param name="Keyslots">Keyslot ids.</param>
/// <param name="Segments">Segment ids.</param>
/// <param name="Hash">The PBKDF2 hash.</param>
/// <param name="Iterations">The PBKDF2 iterations.</param>
public sealed record Luks2Digest(int Id, string Type, IReadOnlyList<string> Keyslots, IReadOnlyList<string> Segments, string? Hash, long? Iterations);

/// <summary>The LUKS2 <c>config</c> object.</summary>
/// <param name="JsonSize">JSON area size in bytes (hdr_size − 4096).</param>
/// <param name="KeyslotsSize">Keyslots area size in bytes.</param>
/// <param name="Flags">Persistent activation flags (<c>allow-discards</c>…).</param>
/// <param name="Requirements">Mandatory requirements (<c>online-reencrypt</c>…).</param>
public sealed record Luks2Config(ulong JsonSize, ulong KeyslotsSize, IReadOnlyList<string> Flags, IReadOnlyList<string> Requirements);
