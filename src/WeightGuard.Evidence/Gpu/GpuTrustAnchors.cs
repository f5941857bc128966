using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence.Gpu;

/// <summary>The device identity roots GPU certificate chains are checked against unless the caller names others.</summary>
public static class GpuTrustAnchors
{
    /// <summary>
    /// NVIDIA's device identity root ("NVIDIA Device Identity CA", P-384, valid to 9999), as NVIDIA's own local verifier
    /// ships it. Replaceable: <c>--root</c> names another (a test root, or a newer NVIDIA root).
    /// </summary>
    public static X509Certificate2 NvidiaDeviceIdentityRoot()
    {
        using var stream = typeof(GpuTrustAnchors).Assembly.GetManifestResourceStream("nvidia-device-identity-ca.pem")
            ?? throw new InvalidOperationException("the NVIDIA device identity root is missing from this build");
        using var reader = new StreamReader(stream);
        return X509Certificate2.CreateFromPem(reader.ReadToEnd());
    }
}
