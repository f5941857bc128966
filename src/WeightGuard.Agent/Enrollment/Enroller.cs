using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Agent.Attestation;
using WeightGuard.Agent.Net;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Enrollment;

/// <summary>What <see cref="Enroller.Enroll"/> needs.</summary>
/// <param name="Server">The aggregator's base URL (https).</param>
/// <param name="Token">The enrolment token text, <c>wg1.SECRET.CAPIN</c>.</param>
/// <param name="Tpm">Which TPM to enrol with; <c>auto</c> enrols without one when the host has none.</param>
/// <param name="StateDirectory">Where the identity is saved.</param>
/// <param name="Hostname">The name the host enrols with: its identity at the aggregator.</param>
/// <param name="MachineId">The host's machine id, when known.</param>
public sealed record EnrollmentOptions(Uri Server, string Token, TpmSelector Tpm, string StateDirectory, string Hostname, string? MachineId);

/// <summary>
/// Enrols this host: checks the aggregator's CA against the token's pin before sending anything, proves the TPM's AK
/// with credential activation, and saves the issued identity.
/// </summary>
public static class Enroller
{
    /// <summary>Enrols and saves the identity; returns the agent id.</summary>
    /// <exception cref="AgentException">Every failure, with a message for the person enrolling.</exception>
    public static async Task<string> Enroll(EnrollmentOptions options, CancellationToken cancel)
    {
        if (options.Server.Scheme != Uri.UriSchemeHttps) throw new AgentException($"--server {options.Server}: must be an https:// URL");
        EnrollmentToken token;
        try { token = EnrollmentToken.Parse(options.Token); }
        catch (FormatException e) { throw new AgentException("--token: " + e.Message); }

        using var ca = await AggregatorClient.FetchPinnedCa(options.Server, token, cancel).ConfigureAwait(false);
        var attestor = UsableTpm(options.Tpm);
        var keys = attestor?.EnrollmentKeys();

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(new X500DistinguishedName("CN=" + SafeCommonName(options.Hostname)), key, HashAlgorithmName.SHA256)
            .CreateSigningRequestPem();
        using var client = AggregatorClient.Pinned(options.Server, ca);
        var result = await client.Enroll(new EnrollmentRequest(token.ToString(), csr, options.Hostname, options.MachineId, keys), cancel).ConfigureAwait(false);
        if (result.Status == EnrollmentResult.ChallengeStatus)
        {
            if (attestor is null || result.Challenge is null)
                throw new AgentException("the aggregator sent a credential challenge to an agent enrolling without a TPM");
            var credential = attestor.Activate(result.Challenge);
            result = await client.Activate(result.Challenge.EnrollmentId, new ActivationRequest(Convert.ToBase64String(credential)), cancel).ConfigureAwait(false);
        }
        if (result.Status != EnrollmentResult.Issued || result.Certificate is null)
            throw new AgentException($"the aggregator answered enrolment with status '{result.Status}' and no certificate");
        CheckIssued(result.Certificate, key, ca);

        var settings = new AgentSettings(options.Server, result.AgentId, keys is not null, options.Tpm.ToString(), DateTimeOffset.UtcNow);
        AgentIdentity.Save(options.StateDirectory, settings, key, result.Certificate, ca.ExportCertificatePem());
        return result.AgentId;
    }

    /// <summary>The attestor for the chosen TPM; null when enrolling without one (<c>none</c>, or <c>auto</c> on a host without a TPM).</summary>
    private static TpmAttestor? UsableTpm(TpmSelector selector)
    {
        if (selector.Kind == TpmSelectorKind.None) return null;
        if (selector.Kind == TpmSelectorKind.Auto)
        {
            try
            {
                using var probe = selector.Open();
                if (probe is null) return null;
            }
            catch (WeightGuard.Tpm.TpmUnavailableException e) { throw new AgentException($"TPM {selector}: {e.Message}", e); }
        }
        return new TpmAttestor(selector);
    }

    /// <summary>The issued certificate must carry our key and chain to the pinned CA; otherwise mTLS would fail later, obscurely.</summary>
    private static void CheckIssued(string certificatePem, ECDsa key, X509Certificate2 ca)
    {
        X509Certificate2 issued;
        try { issued = X509Certificate2.CreateFromPem(certificatePem); }
        catch (CryptographicException) { throw new AgentException("the certificate the aggregator issued is not a PEM certificate"); }
        using (issued)
        {
            using var issuedKey = issued.GetECDsaPublicKey();
            if (issuedKey is null || !issuedKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                throw new AgentException("the certificate the aggregator issued is not for this agent's key");
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(issued))
                throw new AgentException("the certificate the aggregator issued does not chain to its CA: " +
                                         string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        }
    }

    /// <summary>A host name usable as a certificate request's CN (the aggregator sets the issued CN to the agent id).</summary>
    private static string SafeCommonName(string hostname)
    {
        var cleaned = new string(hostname.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_').Take(64).ToArray());
        return cleaned.Length > 0 ? cleaned : "weightguard-agent";
    }
}
