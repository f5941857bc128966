using System.Globalization;
using System.Security.Cryptography;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Attestation;

/// <summary>
/// The agent's use of the TPM: the endorsement key and a deterministic attestation key (a restricted signing primary
/// under the endorsement hierarchy, so the same AK comes back every time and nothing is persisted), credential
/// activation at enrolment, and quotes that bind a report's evidence.
/// </summary>
/// <param name="selector">Which TPM.</param>
public sealed class TpmAttestor(TpmSelector selector)
{
    /// <summary>The EK template the agent enrols with (RSA-2048, the one every TPM must support and certify).</summary>
    private static TpmtPublic EkTemplate => TpmTemplates.EkRsa2048();

    /// <summary>The TPM's keys for an <see cref="EnrollmentRequest"/>.</summary>
    /// <exception cref="AgentException">No TPM, or the TPM failed.</exception>
    public TpmEnrollment EnrollmentKeys() => With(client =>
    {
        var ek = client.CreatePrimary(TpmRh.Endorsement, EkTemplate);
        client.FlushContext(ek.Handle);
        var ak = client.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        client.FlushContext(ak.Handle);
        var certificate = client.ReadEkCertificates().FirstOrDefault(c => c.KeyType == "rsa2048");
        return new TpmEnrollment(Convert.ToBase64String(ek.Public.ToBytes()), Convert.ToBase64String(ak.Public.ToBytes()),
            certificate is null ? null : Convert.ToBase64String(certificate.Der));
    });

    /// <summary>TPM2_ActivateCredential with the EK for the AK: recovers the aggregator's secret.</summary>
    /// <exception cref="AgentException">The challenge is malformed or the TPM refused it.</exception>
    public byte[] Activate(CredentialChallenge challenge)
    {
        MakeCredentialResult credential;
        try { credential = new MakeCredentialResult(Convert.FromBase64String(challenge.CredentialBlob), Convert.FromBase64String(challenge.EncryptedSecret)); }
        catch (FormatException) { throw new AgentException("the aggregator's credential challenge is not base64"); }
        return With(client =>
        {
            var ek = client.CreatePrimary(TpmRh.Endorsement, EkTemplate);
            try
            {
                var ak = client.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
                try { return client.ActivateCredentialWithEk(ak.Handle, ek.Handle, credential); }
                finally { client.FlushContext(ak.Handle); }
            }
            finally { client.FlushContext(ek.Handle); }
        });
    }

    /// <summary>
    /// Quotes <see cref="AgentProtocol.QuotePcrs"/> with qualifying data <see cref="EvidenceBinding.QualifyingData"/>
    /// and reads the PCR values the quote covers.
    /// </summary>
    /// <param name="nonce">The aggregator's nonce.</param>
    /// <param name="evidenceDigest"><see cref="EvidenceBinding.EvidenceDigest"/> of the report.</param>
    /// <param name="eventLog">The firmware event log to attach, when readable.</param>
    public QuoteAttestation Quote(byte[] nonce, byte[] evidenceDigest, byte[]? eventLog) => With(client =>
    {
        var selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);
        var ak = client.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        QuoteResult quote;
        try { quote = client.Quote(ak.Handle, EvidenceBinding.QualifyingData(nonce, evidenceDigest), selection); }
        finally { client.FlushContext(ak.Handle); }
        var values = client.PcrRead(selection);
        var pcrs = values.Algorithms.ToDictionary(TpmHash.Describe,
            alg => (IReadOnlyDictionary<string, string>)values.Bank(alg).ToDictionary(
                kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => Convert.ToHexStringLower(kv.Value)));
        return new QuoteAttestation(Convert.ToHexStringLower(nonce), Convert.ToBase64String(quote.Attest),
            Convert.ToBase64String(quote.Signature.ToBytes()), pcrs, eventLog is null ? null : Convert.ToBase64String(eventLog));
    });

    private T With<T>(Func<TpmClient, T> action)
    {
        try
        {
            using var transport = selector.Open()
                ?? throw new AgentException(selector.Kind == TpmSelectorKind.None ? "no TPM: --tpm none"
                    : "no TPM found (looked for /dev/tpmrm0, /dev/tpm0 and TBS)");
            return action(new TpmClient(transport));
        }
        catch (Exception e) when (e is TpmUnavailableException or TpmErrorException or TpmFormatException or CryptographicException
                                       or IOException or UnauthorizedAccessException)
        {
            throw new AgentException($"TPM {selector}: {e.Message}", e);
        }
    }
}
