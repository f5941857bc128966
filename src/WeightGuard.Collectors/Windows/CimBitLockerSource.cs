using System.Runtime.Versioning;
using Microsoft.Management.Infrastructure;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Reads <c>Win32_EncryptableVolume</c> in <c>root\cimv2\Security\MicrosoftVolumeEncryption</c> through
/// Microsoft.Management.Infrastructure. Windows only: <c>CimSession.Create</c> throws DllNotFoundException elsewhere.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class CimBitLockerSource : IBitLockerSource
{
    private const string Namespace = @"root\cimv2\Security\MicrosoftVolumeEncryption";

    /// <inheritdoc />
    public IReadOnlyList<BitLockerVolumeRecord> GetVolumes()
    {
        using var session = CimSession.Create(null);
        var volumes = new List<BitLockerVolumeRecord>();
        foreach (var volume in session.QueryInstances(Namespace, "WQL", "SELECT * FROM Win32_EncryptableVolume"))
        {
            using (volume)
            {
                var conversion = Invoke(session, volume, "GetConversionStatus");
                var protectorIds = Invoke(session, volume, "GetKeyProtectors", ("KeyProtectorType", 0u))?["VolumeKeyProtectorID"] as string[] ?? [];
                var types = protectorIds
                    .Select(id => Invoke(session, volume, "GetKeyProtectorType", ("VolumeKeyProtectorID", id))?["KeyProtectorType"] as uint?)
                    .OfType<uint>().ToList();
                volumes.Add(new BitLockerVolumeRecord(
                    volume.CimInstanceProperties["DeviceID"]?.Value as string ?? "",
                    volume.CimInstanceProperties["DriveLetter"]?.Value as string,
                    volume.CimInstanceProperties["VolumeType"]?.Value as uint?,
                    Invoke(session, volume, "GetProtectionStatus")?["ProtectionStatus"] as uint?,
                    conversion?["ConversionStatus"] as uint?,
                    conversion?["EncryptionPercentage"] as uint?,
                    conversion?["EncryptionFlags"] as uint?,
                    Invoke(session, volume, "GetEncryptionMethod")?["EncryptionMethod"] as uint?,
                    Invoke(session, volume, "GetLockStatus")?["LockStatus"] as uint?,
                    types));
            }
        }
        return volumes;
    }

    /// <summary>Invokes a method; returns its out parameters, or null when it returned a failure HRESULT.</summary>
    private static Dictionary<string, object?>? Invoke(CimSession session, CimInstance volume, string method, params (string Name, object Value)[] args)
    {
        var parameters = new CimMethodParametersCollection();
        foreach (var (name, value) in args)
            parameters.Add(CimMethodParameter.Create(name, value, value is uint ? CimType.UInt32 : CimType.String, CimFlags.In));
        using var result = session.InvokeMethod(Namespace, volume, method, parameters);
        if (result.ReturnValue?.Value is not uint hr || hr != 0) return null;
        return result.OutParameters.ToDictionary(p => p.Name, p => (object?)p.Value, StringComparer.Ordinal);
    }
}
