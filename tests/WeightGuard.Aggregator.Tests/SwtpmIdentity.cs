using WeightGuard.Core.Protocol;
using WeightGuard.Testing;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Aggregator.Tests;

/// <summary>The TPM side of a test agent: EK and AK primaries in the run's swtpm, credential activation and quotes.</summary>
internal sealed class SwtpmIdentity : IDisposable
{
    private readonly SwtpmTcpTransport _transport;
    private readonly TpmClient _tpm;
    private readonly CreatePrimaryResult _ek;
    private readonly CreatePrimaryResult _ak;

    public SwtpmIdentity()
    {
        var swtpm = Swtpm.Shared;
        _transport = new SwtpmTcpTransport("127.0.0.1", swtpm.Port);
        _tpm = new TpmClient(_transport);
        _ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        _ak = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        EkCertificate = _tpm.ReadEkCertificates().First(c => c.KeyType == "rsa2048").Der;
    }

    public byte[] EkCertificate { get; }

    /// <summary>What an agent sends at enrolment.</summary>
    public TpmEnrollment Enrollment(bool withCertificate = true) => new(
        Convert.ToBase64String(_ek.Public.ToBytes()), Convert.ToBase64String(_ak.Public.ToBytes()),
        withCertificate ? Convert.ToBase64String(EkCertificate) : null);

    /// <summary>TPM2_ActivateCredential on a challenge.</summary>
    public byte[] Activate(CredentialChallenge challenge) => _tpm.ActivateCredentialWithEk(_ak.Handle, _ek.Handle,
        new MakeCredentialResult(Convert.FromBase64String(challenge.CredentialBlob), Convert.FromBase64String(challenge.EncryptedSecret)));

    /// <summary>A quote over the protocol's PCRs with this qualifying data, and the PCR values read with it.</summary>
    public QuoteAttestation Quote(string nonceHex, byte[] qualifyingData)
    {
        var selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);
        var quote = _tpm.Quote(_ak.Handle, qualifyingData, selection);
        var values = _tpm.PcrRead(selection);
        var pcrs = selection.ToDictionary(b => TpmHash.Describe(b.Hash),
            b => (IReadOnlyDictionary<string, string>)b.Pcrs.ToDictionary(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture),
                p => Convert.ToHexStringLower(values.Get(b.Hash, p)!)));
        return new QuoteAttestation(nonceHex, Convert.ToBase64String(quote.Attest), Convert.ToBase64String(quote.Signature.ToBytes()), pcrs);
    }

    private static readonly Lock ExtendGate = new();
    private static string? _extendedWith;

    /// <summary>
    /// Makes the simulator's sha256 PCRs 0–7 hold what <paramref name="eventLog"/> replays to, by extending its events with
    /// tpm2_pcrextend. PCRs cannot be reset without a power cycle, so this happens once per run and only for one log.
    /// </summary>
    public static void ExtendQuotedPcrsOnce(string eventLog)
    {
        lock (ExtendGate)
        {
            if (_extendedWith == eventLog) return;
            Assert.That(_extendedWith, Is.Null, "the simulator's PCRs were already extended with another log");
            var tool = ExternalTool.Require("tpm2_pcrextend");
            var log = WeightGuard.Tpm.EventLog.TcgEventLogParser.Parse(File.ReadAllBytes(eventLog));
            foreach (var e in log.Events.Where(e => e.PcrIndex <= 7 && e.EventType != WeightGuard.Tpm.EventLog.TcgEventType.NoAction))
                foreach (var d in e.Digests.Where(d => d.Algorithm == TpmAlgId.Sha256))
                {
                    var run = ExternalTool.Run(tool, [$"{e.PcrIndex}:sha256={Convert.ToHexStringLower(d.Digest)}"], env: Swtpm.Shared.TctiEnvironment);
                    Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
                }
            _extendedWith = eventLog;
        }
    }

    public void Dispose()
    {
        _tpm.FlushContext(_ak.Handle);
        _tpm.FlushContext(_ek.Handle);
        _transport.Dispose();
    }
}
