using System.Text.Json.Serialization;

namespace WeightGuard.Core.Evidence;

// Nullable positional members are written even when null (JsonIgnoreCondition.Never): the report reader requires every
// constructor parameter, so an omitted null could not be read back.

/// <summary>
/// The storage domain: for every weight path the stack of storage layers beneath it and whether that stack encrypts data
/// at rest, with the disk-encryption parameters an auditor asks for. Never carries key material.
/// </summary>
/// <param name="Paths">One entry per weight path that was resolved.</param>
/// <param name="Crypttab">The host's <c>/etc/crypttab</c> entries, with where each key file lives.</param>
/// <param name="Swap">Active swap areas and whether each is encrypted.</param>
/// <param name="BitLocker">BitLocker volumes (Windows hosts only; empty elsewhere).</param>
/// <param name="Problems">What could not be observed (unreadable files, malformed headers), one line each.</param>
public sealed record StorageEvidence(
    IReadOnlyList<StoragePathEvidence> Paths,
    IReadOnlyList<CrypttabEntry> Crypttab,
    IReadOnlyList<SwapArea> Swap,
    IReadOnlyList<BitLockerVolume> BitLocker,
    IReadOnlyList<string> Problems);

/// <summary>The storage stack under one path and the encryption verdict for it.</summary>
/// <param name="Path">The path as given.</param>
/// <param name="ResolvedPath">The path with symbolic links resolved, as seen on the host.</param>
/// <param name="Chain">Layers from the file system down to the disks, top first; branches (RAID members, LVM physical
/// volumes) appear in depth-first order and are linked through <see cref="StorageLayer.Below"/>.</param>
/// <param name="Verdict">Whether data at this path is encrypted at rest.</param>
/// <param name="Volumes">The encrypted volumes in the chain, with their parameters and how they unlock.</param>
public sealed record StoragePathEvidence(
    string Path,
    string ResolvedPath,
    IReadOnlyList<StorageLayer> Chain,
    EncryptionVerdict Verdict,
    IReadOnlyList<EncryptedVolume> Volumes);

/// <summary>One layer of a storage stack.</summary>
/// <param name="Kind">What the layer is: <c>mount</c>, <c>dm-crypt</c>, <c>lvm</c>, <c>md</c>, <c>partition</c>,
/// <c>disk</c>, <c>loop</c>, <c>dm</c>, <c>zfs</c>, <c>fscrypt</c>, <c>ecryptfs</c>, <c>tmpfs</c>, <c>network</c>,
/// <c>fuse</c>, <c>overlay</c>, <c>zram</c>, <c>bitlocker</c>, <c>virtual</c>.</param>
/// <param name="Name">The layer's own name (kernel device name, mount point, dataset).</param>
/// <param name="Device">The device node or source that stands for it (<c>/dev/dm-0</c>, <c>server:/export</c>), or null.</param>
/// <param name="Details">Kind-specific facts (file system type, dm uuid, RAID level, cipher), sorted by key.</param>
/// <param name="Below">Names of the layers directly underneath, in the order the kernel lists them.</param>
public sealed record StorageLayer(
    string Kind,
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Device,
    IReadOnlyDictionary<string, string> Details,
    IReadOnlyList<string> Below);

/// <summary>Whether an encryption verdict is proven, disproven or unknowable from this host.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EncryptionState>))]
public enum EncryptionState
{
    /// <summary>Not provable from this host (network or FUSE file system, unreadable device, unknown layer).</summary>
    [JsonStringEnumMemberName("unknown")] Unknown,
    /// <summary>Every path down to the disks passes through an encrypting layer.</summary>
    [JsonStringEnumMemberName("true")] Encrypted,
    /// <summary>At least one path down to a disk passes through no encrypting layer (or a null cipher).</summary>
    [JsonStringEnumMemberName("false")] Unencrypted,
}

/// <summary>An encryption verdict with the reason for it.</summary>
/// <param name="Encrypted">The verdict.</param>
/// <param name="AtRest">False when the data lives only in memory (tmpfs, ramfs, zram), so no disk ever holds it
/// unless pages are swapped out.</param>
/// <param name="Reason">One sentence naming the layer that decided it.</param>
public sealed record EncryptionVerdict(EncryptionState Encrypted, bool AtRest, string Reason);

/// <summary>An encrypted volume found in a chain (dm-crypt, ZFS dataset, fscrypt directory, eCryptfs, BitLocker).</summary>
/// <param name="Name">The mapping or dataset name (<c>luks-1b2c…</c>, <c>tank/models</c>).</param>
/// <param name="Type">The format: <c>LUKS1</c>, <c>LUKS2</c>, <c>PLAIN</c>, <c>BITLK</c>, <c>TCRYPT</c>, <c>zfs</c>,
/// <c>fscrypt</c>, <c>ecryptfs</c>.</param>
/// <param name="Device">The device holding the ciphertext (<c>/dev/nvme0n1p3</c>), or null.</param>
/// <param name="Cipher">The data cipher in cryptsetup notation (<c>aes-xts-plain64</c>), when known.</param>
/// <param name="KeyBits">The data key size in bits, when known.</param>
/// <param name="Luks">The parsed LUKS header, when the volume is LUKS and its header was readable.</param>
/// <param name="Crypttab">The crypttab entry that opens this volume at boot, or null.</param>
/// <param name="Unlock">Every way the volume can be unlocked, as far as the host shows it.</param>
/// <param name="Problems">What could not be read about this volume.</param>
public sealed record EncryptedVolume(
    string Name,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Device,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Cipher,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? KeyBits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] LuksSummary? Luks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] CrypttabEntry? Crypttab,
    IReadOnlyList<UnlockMethod> Unlock,
    IReadOnlyList<string> Problems);

/// <summary>One way a volume unlocks.</summary>
/// <param name="Method"><c>passphrase</c>, <c>key-file</c>, <c>random-key</c>, <c>keyscript</c>, <c>tpm2</c>,
/// <c>fido2</c>, <c>pkcs11</c>, <c>clevis-tpm2</c>, <c>clevis-tang</c>, <c>clevis-sss</c>, <c>token</c> (another
/// token type), <c>bitlocker-*</c> protector types.</param>
/// <param name="Keyslots">The LUKS key slots this method opens (empty when not slot-specific).</param>
/// <param name="Details">Method-specific facts: PCRs and bank for TPM2, key file path, tang servers.</param>
public sealed record UnlockMethod(string Method, IReadOnlyList<string> Keyslots, IReadOnlyDictionary<string, string> Details);

/// <summary>What a LUKS header says, as an auditor needs it. No salts, digests or key material.</summary>
/// <param name="Version">1 or 2.</param>
/// <param name="Uuid">The header UUID.</param>
/// <param name="Label">The LUKS2 label, or null.</param>
/// <param name="Cipher">The data segment cipher in cryptsetup notation (<c>aes-xts-plain64</c>); <c>none</c> when no
/// segment has a host cipher (an OPAL-only or unknown segment, or no segment at all).</param>
/// <param name="KeyBits">Data (volume) key size in bits; null when a LUKS2 header has no key slot left to say it.</param>
/// <param name="SectorSize">Encryption sector size in bytes (512 for LUKS1).</param>
/// <param name="DataOffset">Byte offset of the encrypted data.</param>
/// <param name="HashSpec">LUKS1 hash spec (PBKDF2 and AF hash), or null for LUKS2.</param>
/// <param name="Keyslots">Active key slots.</param>
/// <param name="Tokens">LUKS2 tokens (empty for LUKS1).</param>
/// <param name="ChecksumValid">LUKS2: true when every header copy found verifies; null for LUKS1 (no checksum).</param>
/// <param name="Headers">LUKS2 binary header copies found: offset, sequence id, checksum state, and whether the copy is
/// the one cryptsetup uses.</param>
/// <param name="SegmentType">The data segment's type: <c>crypt</c> (dm-crypt), <c>hw-opal</c> (the drive's OPAL
/// locking range only), <c>hw-opal-crypt</c> (both), <c>linear</c>, another type as written, or <c>none</c>.</param>
/// <param name="Encrypted">False for <c>cipher_null</c>, which maps data through unchanged, and for segments that do
/// not encrypt (<c>linear</c>, unknown types, none); true for OPAL segments, which the drive encrypts.</param>
/// <param name="Findings">Legacy modes, drive-managed encryption and header damage, each as a code with its subject;
/// no thresholds are applied here (the checks judge key-derivation costs from <see cref="Keyslots"/>).</param>
public sealed record LuksSummary(
    int Version,
    string Uuid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Label,
    string Cipher,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? KeyBits,
    int SectorSize,
    ulong DataOffset,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? HashSpec,
    IReadOnlyList<LuksKeyslotSummary> Keyslots,
    IReadOnlyList<LuksTokenSummary> Tokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? ChecksumValid,
    IReadOnlyList<LuksHeaderCopy> Headers,
    string SegmentType,
    bool Encrypted,
    IReadOnlyList<LuksFinding> Findings);

/// <summary>One LUKS2 binary header copy.</summary>
/// <param name="Offset">Byte offset of the copy.</param>
/// <param name="Seqid">Its sequence id (the newer copy wins).</param>
/// <param name="ChecksumValid">Whether its SHA-256 checksum verifies.</param>
/// <param name="InUse">Whether this is the copy cryptsetup reads the volume from.</param>
/// <param name="Problem">Why the copy is not usable (checksum, metadata validation, older seqid), or null.</param>
public sealed record LuksHeaderCopy(ulong Offset, ulong Seqid, bool ChecksumValid, bool InUse,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Problem);

/// <summary>An active key slot.</summary>
/// <param name="Id">The slot number.</param>
/// <param name="Type"><c>luks1</c> or the LUKS2 keyslot type (<c>luks2</c>).</param>
/// <param name="KeyBits">Size of the key it stores, in bits.</param>
/// <param name="Cipher">LUKS2 keyslot area cipher, or null for LUKS1 (same as the data cipher).</param>
/// <param name="Priority">LUKS2 priority (0 ignore, 1 normal, 2 high), or null.</param>
/// <param name="Pbkdf">How the passphrase is stretched into the slot key (null for slots without one, such as a
/// LUKS2 <c>reencrypt</c> slot).</param>
/// <param name="AfStripes">Anti-forensic splitter stripes, when the slot has a splitter.</param>
public sealed record LuksKeyslotSummary(int Id, string Type, int KeyBits, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Cipher,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Priority, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] PbkdfSummary? Pbkdf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? AfStripes);

/// <summary>Key-derivation parameters of one key slot.</summary>
/// <param name="Type"><c>pbkdf2</c>, <c>argon2i</c> or <c>argon2id</c>.</param>
/// <param name="Hash">PBKDF2 hash, or null for Argon2.</param>
/// <param name="Iterations">PBKDF2 iterations, or null for Argon2.</param>
/// <param name="Time">Argon2 time cost, or null.</param>
/// <param name="Memory">Argon2 memory cost in KiB, or null.</param>
/// <param name="Cpus">Argon2 parallel threads, or null.</param>
public sealed record PbkdfSummary(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Hash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Iterations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Time,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Memory,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Cpus);

/// <summary>A LUKS2 token: how something other than a typed passphrase unlocks key slots.</summary>
/// <param name="Id">The token number.</param>
/// <param name="Type"><c>systemd-tpm2</c>, <c>systemd-fido2</c>, <c>systemd-pkcs11</c>, <c>clevis</c>, <c>luks2-keyring</c>…</param>
/// <param name="Keyslots">The key slots it opens.</param>
/// <param name="Tpm2Pcrs">systemd-tpm2: the PCRs the key is sealed to (<c>tpm2-hash-pcrs</c>, or older <c>tpm2-pcrs</c>);
/// clevis tpm2: <c>pcr_ids</c>.</param>
/// <param name="Tpm2PcrBank">systemd-tpm2 <c>tpm2-pcr-bank</c> / clevis tpm2 <c>pcr_bank</c>.</param>
/// <param name="Tpm2Pin">systemd-tpm2 <c>tpm2-pin</c>: a PIN is needed besides the TPM.</param>
/// <param name="Tpm2PubkeyPcrs">systemd-tpm2 <c>tpm2-pubkey-pcrs</c>: PCRs bound through a signed policy.</param>
/// <param name="ClevisPin">clevis: the pin named in the JWE protected header (<c>tpm2</c>, <c>tang</c>, <c>sss</c>).</param>
/// <param name="ClevisTangUrls">clevis tang (also inside sss): the tang server URLs.</param>
/// <param name="ClevisSssThreshold">clevis sss: how many of the inner pins must succeed (<c>t</c>).</param>
/// <param name="ClevisSssPins">clevis sss: the inner pins (<c>tang</c>, <c>tpm2</c>…), one per share.</param>
/// <param name="Fido2ClientPinRequired">systemd-fido2 <c>fido2-clientPin-required</c>.</param>
/// <param name="Fido2UserPresenceRequired">systemd-fido2 <c>fido2-up-required</c>.</param>
/// <param name="Fido2UserVerificationRequired">systemd-fido2 <c>fido2-uv-required</c>.</param>
public sealed record LuksTokenSummary(
    int Id,
    string Type,
    IReadOnlyList<string> Keyslots,
    IReadOnlyList<int>? Tpm2Pcrs = null,
    string? Tpm2PcrBank = null,
    bool? Tpm2Pin = null,
    IReadOnlyList<int>? Tpm2PubkeyPcrs = null,
    string? ClevisPin = null,
    IReadOnlyList<string>? ClevisTangUrls = null,
    int? ClevisSssThreshold = null,
    IReadOnlyList<string>? ClevisSssPins = null,
    bool? Fido2ClientPinRequired = null,
    bool? Fido2UserPresenceRequired = null,
    bool? Fido2UserVerificationRequired = null);

/// <summary>One line of <c>/etc/crypttab</c>.</summary>
/// <param name="Line">Its line number.</param>
/// <param name="Name">The mapping name (<c>/dev/mapper/NAME</c>).</param>
/// <param name="Device">The encrypted device as written (<c>UUID=…</c>, <c>/dev/sda2</c>).</param>
/// <param name="KeyFile">The key file as written, or null for none (<c>none</c>, <c>-</c>, absent: passphrase).</param>
/// <param name="Options">The options, split at commas.</param>
/// <param name="KeyFileStorage">Where the key file lives and whether that storage is encrypted, or null when there is
/// no key file on a file system (none, <c>/dev/urandom</c>, a key on a separate device).</param>
public sealed record CrypttabEntry(
    int Line,
    string Name,
    string Device,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? KeyFile,
    IReadOnlyList<string> Options,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] StoragePathEvidence? KeyFileStorage);

/// <summary>An active swap area from <c>/proc/swaps</c>.</summary>
/// <param name="Path">The swap device or file.</param>
/// <param name="Type"><c>partition</c> or <c>file</c>.</param>
/// <param name="SizeKiB">Its size in KiB.</param>
/// <param name="Chain">The storage stack beneath it.</param>
/// <param name="Verdict">Whether swapped-out pages are encrypted at rest.</param>
public sealed record SwapArea(string Path, string Type, long SizeKiB, IReadOnlyList<StorageLayer> Chain, EncryptionVerdict Verdict);

/// <summary>A BitLocker volume as <c>Win32_EncryptableVolume</c> describes it.</summary>
/// <param name="DeviceId">The volume's device id (<c>\\?\Volume{…}\</c>).</param>
/// <param name="DriveLetter">Its drive letter (<c>C:</c>), or null.</param>
/// <param name="VolumeType"><c>os</c>, <c>fixed</c>, <c>removable</c>, or null when not reported.</param>
/// <param name="ProtectionStatus"><c>protected</c>, <c>unprotected</c> or <c>unknown</c>.</param>
/// <param name="ConversionStatus"><c>fully-decrypted</c>, <c>fully-encrypted</c>, <c>encryption-in-progress</c>,
/// <c>decryption-in-progress</c>, <c>encryption-paused</c>, <c>decryption-paused</c>, or <c>unknown</c>.</param>
/// <param name="EncryptionPercentage">Percentage of the volume encrypted, when reported.</param>
/// <param name="UsedSpaceOnly">True when only used space was encrypted (free space may hold old plaintext).</param>
/// <param name="EncryptionMethod">The method (<c>xts-aes-256</c>, <c>aes-128-cbc</c>, <c>hardware</c>, <c>none</c>…).</param>
/// <param name="KeyBits">The key size in bits implied by the method, or null.</param>
/// <param name="Locked">True when the volume is locked, null when not reported.</param>
/// <param name="Unlock">The key protectors, as unlock methods.</param>
/// <param name="Verdict">Whether the volume encrypts data at rest.</param>
public sealed record BitLockerVolume(
    string DeviceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? DriveLetter,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? VolumeType,
    string ProtectionStatus,
    string ConversionStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? EncryptionPercentage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? UsedSpaceOnly,
    string EncryptionMethod,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? KeyBits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Locked,
    IReadOnlyList<UnlockMethod> Unlock,
    EncryptionVerdict Verdict);

/// <summary>Source-generated, camelCase JSON for the storage domain (NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StorageEvidence))]
[JsonSerializable(typeof(LuksSummary))]
[JsonSerializable(typeof(StoragePathEvidence))]
public sealed partial class StorageEvidenceJsonContext : JsonSerializerContext;
