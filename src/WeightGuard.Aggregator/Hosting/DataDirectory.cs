using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeightGuard.Aggregator.Pki;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// The aggregator's data directory (0700): its CA, evidence signing and server TLS keys and certificates (keys 0600),
/// the TPM manufacturer CAs that EK certificates must chain to (<c>tpm-ca/</c>), and <c>aggregator.json</c> naming the
/// database.
/// </summary>
public sealed class DataDirectory(string path)
{
    /// <summary>The directory.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The CA certificate (PEM).</summary>
    public string CaCertificate => File("ca.crt");
    /// <summary>The CA private key (PEM, 0600).</summary>
    public string CaKey => File("ca.key");
    /// <summary>The server's TLS certificate (PEM).</summary>
    public string ServerCertificate => File("server.crt");
    /// <summary>The server's TLS key (PEM, 0600).</summary>
    public string ServerKey => File("server.key");
    /// <summary>The evidence signing certificate (PEM).</summary>
    public string SigningCertificate => File("signing.crt");
    /// <summary>The evidence signing key (PEM, 0600).</summary>
    public string SigningKey => File("signing.key");
    /// <summary>TPM manufacturer CA certificates (roots and intermediates) for EK certificate validation.</summary>
    public string TpmCaDirectory => File("tpm-ca");
    /// <summary>The settings file (0600: a PostgreSQL connection string may hold a password).</summary>
    public string SettingsFile => File("aggregator.json");

    /// <summary>True when <see cref="Initialize"/> has run here.</summary>
    public bool IsInitialized => System.IO.File.Exists(CaCertificate);

    /// <summary>
    /// Creates the directory, the CA and the certificates it issues, and records <paramref name="database"/>.
    /// </summary>
    /// <param name="database">The database location (<c>sqlite:PATH</c> or <c>postgres:…</c>).</param>
    /// <param name="serverNames">Extra DNS names or IP addresses for the server certificate.</param>
    /// <param name="now">The issue time.</param>
    /// <exception cref="InvalidOperationException">The directory already holds a CA.</exception>
    public void Initialize(string database, IEnumerable<string> serverNames, DateTimeOffset now)
    {
        if (IsInitialized) throw new InvalidOperationException($"{Path} already holds an aggregator CA; refusing to replace it");
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
            System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        CreateTpmCaDirectory();

        using var ca = CertificateAuthority.Create("WeightGuard aggregator CA", now);
        using var signing = ca.IssueSigning(now);
        using var server = ca.IssueServer(["localhost", "127.0.0.1", "::1", Environment.MachineName, .. serverNames], now);
        WriteKeyPair(SigningCertificate, SigningKey, signing);
        WriteKeyPair(ServerCertificate, ServerKey, server);
        SecretFile.WriteOwnerOnly(SettingsFile, new JsonObject { ["database"] = database }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        // The CA goes last: its certificate marks the directory as initialised.
        SecretFile.WriteOwnerOnly(CaKey, ca.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        SecretFile.WritePublic(CaCertificate, ca.CertificatePem);
    }

    /// <summary>
    /// Creates <see cref="TpmCaDirectory"/> when missing and sets it 0755 (public certificates, written by the owner only)
    /// whatever the umask; a directory already so is left alone, so that instances may serve a data directory mounted
    /// read-only.
    /// </summary>
    public void CreateTpmCaDirectory()
    {
        Directory.CreateDirectory(TpmCaDirectory);
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                  UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows() && System.IO.File.GetUnixFileMode(TpmCaDirectory) != mode)
            System.IO.File.SetUnixFileMode(TpmCaDirectory, mode);
    }

    /// <summary>The database recorded by <see cref="Initialize"/>.</summary>
    /// <exception cref="InvalidOperationException">The settings file is missing or names no database.</exception>
    public string RecordedDatabase()
    {
        if (!System.IO.File.Exists(SettingsFile)) throw new InvalidOperationException($"{SettingsFile}: no such file (run 'weightguard-aggregator init --data {Path}')");
        try
        {
            return JsonNode.Parse(System.IO.File.ReadAllText(SettingsFile))?["database"]?.GetValue<string>()
                ?? throw new InvalidOperationException($"{SettingsFile}: no \"database\" setting");
        }
        catch (JsonException e) { throw new InvalidOperationException($"{SettingsFile}: {e.Message}", e); }
    }

    /// <summary>The CA with its key.</summary>
    public CertificateAuthority LoadCa() => CertificateAuthority.Load(System.IO.File.ReadAllText(CaCertificate), System.IO.File.ReadAllText(CaKey));

    /// <summary>The CA certificate alone (what enrolment tokens pin).</summary>
    public X509Certificate2 LoadCaCertificate() => X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(CaCertificate));

    /// <summary>The server's TLS certificate with its key.</summary>
    public X509Certificate2 LoadServerCertificate()
    {
        using var pem = X509Certificate2.CreateFromPemFile(ServerCertificate, ServerKey);
        // Exported and reloaded so that SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static void WriteKeyPair(string certificatePath, string keyPath, X509Certificate2 certificate)
    {
        SecretFile.WriteOwnerOnly(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        SecretFile.WritePublic(certificatePath, certificate.ExportCertificatePem());
    }

    private string File(string name) => System.IO.Path.Combine(Path, name);
}
