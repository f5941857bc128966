using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Agent.Enrollment;

/// <summary>What enrolment leaves behind: who this agent is to the aggregator and how it proves it.</summary>
/// <param name="Settings">The server, agent id and TPM choice (<c>agent.json</c>).</param>
/// <param name="ClientCertificate">The client certificate with its private key, for mTLS.</param>
/// <param name="CaCertificate">The aggregator CA, the only root the agent trusts for the server.</param>
public sealed record AgentIdentity(AgentSettings Settings, X509Certificate2 ClientCertificate, X509Certificate2 CaCertificate) : IDisposable
{
    /// <summary>Loads the identity saved in <paramref name="stateDirectory"/>.</summary>
    /// <exception cref="AgentException">Not enrolled, or the files are unreadable or inconsistent.</exception>
    public static AgentIdentity Load(string stateDirectory)
    {
        var files = new IdentityFiles(stateDirectory);
        if (!File.Exists(files.Settings))
            throw new AgentException($"{files.Settings}: not enrolled (run 'weightguard enroll --server URL --token TOKEN' first)");
        try
        {
            var settings = AgentSettings.Parse(File.ReadAllBytes(files.Settings), files.Settings);
            using var certificate = X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);
            var client = ForTls(certificate);
            var ca = X509CertificateLoader.LoadCertificateFromFile(files.CaCertificate);
            return new AgentIdentity(settings, client, ca);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new AgentException($"{files.Directory}: cannot load the agent identity: {e.Message}", e);
        }
    }

    /// <summary>Saves an identity in the owner-only state directory: key, certificates, then <c>agent.json</c> last, each file atomically and 0600.</summary>
    public static void Save(string stateDirectory, AgentSettings settings, ECDsa key, string certificatePem, string caCertificatePem)
    {
        var files = new IdentityFiles(stateDirectory);
        Files.StatePermissions.Secure(stateDirectory);
        Files.StatePermissions.CreatePrivateDirectory(files.Directory);
        Files.AtomicFile.Write(files.Key, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        Files.AtomicFile.Write(files.Certificate, System.Text.Encoding.ASCII.GetBytes(certificatePem));
        Files.AtomicFile.Write(files.CaCertificate, System.Text.Encoding.ASCII.GetBytes(caCertificatePem));
        // agent.json is what marks the directory as enrolled, so it comes last.
        Files.AtomicFile.Write(files.Settings, settings.ToJson());
    }

    /// <summary>
    /// A certificate whose key SslStream can use on every platform (Windows' TLS stack needs a key it can persist in a
    /// key container, not the ephemeral one a PEM import gives).
    /// </summary>
    private static X509Certificate2 ForTls(X509Certificate2 certificate) =>
        OperatingSystem.IsWindows()
            ? X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)
            : X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet);

    /// <inheritdoc />
    public void Dispose()
    {
        ClientCertificate.Dispose();
        CaCertificate.Dispose();
    }
}
