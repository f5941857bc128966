using System.Runtime.InteropServices;

namespace WeightGuard.Collectors.Disk;

/// <summary>An fscrypt policy on a directory (ext4, f2fs, ubifs, ceph native file encryption).</summary>
/// <param name="Version">Policy version: 1 (v1, key descriptor) or 2 (v2, key identifier).</param>
/// <param name="ContentsMode">Contents encryption mode (<c>AES-256-XTS</c>, <c>Adiantum</c>…).</param>
/// <param name="FilenamesMode">File names encryption mode (<c>AES-256-CTS</c>, <c>AES-256-HCTR2</c>…).</param>
/// <param name="Flags">Policy flags (padding, IV options).</param>
public sealed record FscryptPolicy(int Version, string ContentsMode, string FilenamesMode, int Flags)
{
    /// <summary>Decodes the policy bytes returned by <c>FS_IOC_GET_ENCRYPTION_POLICY_EX</c> (after its size field),
    /// or null when they are not a known policy.</summary>
    public static FscryptPolicy? Decode(ReadOnlySpan<byte> policy)
    {
        // v1: version 0, contents, filenames, flags, descriptor[8]; v2: version 2, contents, filenames, flags, 4 reserved, identifier[16].
        if (policy.Length < 4) return null;
        return policy[0] switch
        {
            0 when policy.Length >= 12 => new FscryptPolicy(1, Mode(policy[1]), Mode(policy[2]), policy[3]),
            2 when policy.Length >= 24 => new FscryptPolicy(2, Mode(policy[1]), Mode(policy[2]), policy[3]),
            _ => null,
        };
    }

    /// <summary>The key size in bits of a contents mode.</summary>
    public int? ContentsKeyBits => ContentsMode switch
    {
        "AES-256-XTS" => 512,
        "AES-128-CBC" => 128,
        "Adiantum" => 256,
        "SM4-XTS" => 256,
        _ => null,
    };

    private static string Mode(byte mode) => mode switch
    {
        1 => "AES-256-XTS",
        4 => "AES-256-CTS",
        5 => "AES-128-CBC",
        6 => "AES-128-CTS",
        7 => "SM4-XTS",
        8 => "SM4-CTS",
        9 => "Adiantum",
        10 => "AES-256-HCTR2",
        _ => $"mode-{mode}",
    };
}

/// <summary>What probing a path for an fscrypt policy found.</summary>
public enum FscryptProbeResult
{
    /// <summary>The path has a policy: its contents are encrypted by fscrypt.</summary>
    Encrypted,
    /// <summary>The file system supports fscrypt but this path has no policy (ENODATA).</summary>
    NotEncrypted,
    /// <summary>The file system does not support fscrypt (EOPNOTSUPP, ENOTTY).</summary>
    Unsupported,
    /// <summary>The path could not be opened or the ioctl failed otherwise.</summary>
    Failed,
}

/// <summary>Asks the kernel for a path's fscrypt policy with <c>FS_IOC_GET_ENCRYPTION_POLICY_EX</c>. Live host only.</summary>
public static partial class FscryptProbe
{
    private const uint FsIocGetEncryptionPolicyEx = 0xC0096616;
    private const int ENODATA = 61, EOPNOTSUPP = 95, ENOTTY = 25;
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800;

    /// <summary>Probes <paramref name="localPath"/> (a file or directory on this machine).</summary>
    public static (FscryptProbeResult Result, FscryptPolicy? Policy) Probe(string localPath)
    {
        if (!OperatingSystem.IsLinux()) return (FscryptProbeResult.Unsupported, null);
        var fd = Open(localPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return (FscryptProbeResult.Failed, null);
        try
        {
            // struct fscrypt_get_policy_ex_arg { __u64 policy_size; union { __u8 version; v1; v2 } policy; }
            Span<byte> arg = stackalloc byte[8 + 24];
            BitConverter.TryWriteBytes(arg, 24UL);
            int rc;
            unsafe
            {
                fixed (byte* p = arg) rc = Ioctl(fd, FsIocGetEncryptionPolicyEx, p);
            }
            if (rc == 0)
                return FscryptPolicy.Decode(arg[8..]) is { } policy ? (FscryptProbeResult.Encrypted, policy) : (FscryptProbeResult.Failed, null);
            return Marshal.GetLastPInvokeError() switch
            {
                ENODATA => (FscryptProbeResult.NotEncrypted, null),
                EOPNOTSUPP or ENOTTY => (FscryptProbeResult.Unsupported, null),
                _ => (FscryptProbeResult.Failed, null),
            };
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, byte* arg);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
