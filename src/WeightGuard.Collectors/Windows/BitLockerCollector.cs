using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>Storage evidence on Windows: every BitLocker volume, and for each weight path the volume its drive letter names.</summary>
public sealed class BitLockerCollector(IBitLockerSource source)
{
    /// <summary>A collector reading this host through CIM, or null when this is not Windows.</summary>
    public static BitLockerCollector? ForThisHost() => OperatingSystem.IsWindows() ? new BitLockerCollector(new CimBitLockerSource()) : null;

    /// <summary>Collects volumes and per-path verdicts; a source failure (not elevated, CIM error) becomes a problem line.</summary>
    public StorageEvidence Collect(IEnumerable<string> weightPaths)
    {
        IReadOnlyList<BitLockerVolume> volumes;
        var problems = new List<string>();
        try
        {
            volumes = source.GetVolumes().Select(BitLockerEvidenceMapper.Map).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or InvalidOperationException or System.Runtime.InteropServices.COMException
                                      or Microsoft.Management.Infrastructure.CimException)
        {
            problems.Add($"Win32_EncryptableVolume: {e.Message} (run elevated)");
            volumes = [];
        }
        var paths = weightPaths.Select(p => ForPath(p, volumes)).ToList();
        return new StorageEvidence(paths, [], [], volumes, problems);
    }

    private static StoragePathEvidence ForPath(string path, IReadOnlyList<BitLockerVolume> volumes)
    {
        var letter = path.Length >= 2 && path[1] == ':' ? path[..2].ToUpperInvariant() : null;
        var volume = letter is null ? null : volumes.FirstOrDefault(v => string.Equals(v.DriveLetter, letter, StringComparison.OrdinalIgnoreCase));
        if (volume is null)
            return new StoragePathEvidence(path, path, [], new EncryptionVerdict(EncryptionState.Unknown, true,
                letter is null ? "not a drive-letter path (UNC or mounted folder): volume not identified" : $"{letter} is not an encryptable volume BitLocker reports"), []);
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["protectionStatus"] = volume.ProtectionStatus, ["conversionStatus"] = volume.ConversionStatus, ["encryptionMethod"] = volume.EncryptionMethod,
        };
        var layer = new StorageLayer("bitlocker", volume.DriveLetter!, volume.DeviceId, details, []);
        var encrypted = new EncryptedVolume(volume.DriveLetter!, "BITLK", volume.DeviceId, volume.EncryptionMethod, volume.KeyBits, null, null, volume.Unlock, []);
        return new StoragePathEvidence(path, path, [layer], volume.Verdict, volume.EncryptionMethod == "none" ? [] : [encrypted]);
    }
}
