using System.Text.Json;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Evidence.Tests;

/// <summary>
/// Secure Boot as the aggregator and <c>evidence verify</c> may believe it: from a log that replays to a verified quote,
/// and only from its digest-verified events.
/// </summary>
public class ReportAttestationSecureBootTests
{
    private static (JsonElement Report, QuoteAttestation Attestation, TpmtPublic Ak) Quoted()
    {
        _ = Fleet.Content;  // the swtpm's PCRs hold the fixture log's digests
        var catalog = Fleet.LoadCatalog(Fleet.CatalogFiles());
        var json = Fleet.Submitted(Fleet.NewReport(Guid.NewGuid(), "sb-host", "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"), catalog);
        var (keys, attestation) = Fleet.Quote(json, ecc: false);
        return (JsonDocument.Parse(json).RootElement, attestation, TpmtPublic.Parse(keys.AkPublic));
    }

    [Test]
    public void VerifiedLogGivesTheSecureBootStateOfItsVerifiedEvents()
    {
        var (report, attestation, ak) = Quoted();
        var check = ReportAttestation.Verify(report, attestation, Fleet.EventLog, ak);
        Assert.That(check.QuoteVerified && check.EventLogReplayed, Is.True, string.Join("; ", [.. check.QuoteProblems, .. check.EventLogProblems]));
        var expected = SecureBootLog.From(TcgEventLogParser.Parse(Fleet.EventLog)).Enabled;
        Assert.That(expected, Is.Not.Null, "the fixture log measures the SecureBoot variable");
        Assert.That(check.SecureBoot, Is.EqualTo(expected));
    }

    [Test]
    public void ForgedSecureBootByteReplaysButGivesNoState()
    {
        var (report, attestation, ak) = Quoted();
        var bytes = Fleet.EventLog;
        var log = TcgEventLogParser.Parse(bytes);
        var e = log.Events.Single(e => e.EventType == TcgEventType.EfiVariableDriverConfig && UefiVariableData.TryParse(e.Data)?.Name == "SecureBoot");
        var at = (int)log.Events[e.Number + 1].Offset - 1;  // the variable's one-byte value ends the event
        bytes[at] ^= 1;

        var check = ReportAttestation.Verify(report, attestation, bytes, ak);
        Assert.That(check.QuoteVerified && check.EventLogReplayed, Is.True, "the digests were not touched, so the log still replays");
        Assert.That(check.SecureBoot, Is.Null);
        Assert.That(check.LogSecureBoot!.Unverified.Select(u => u.Number), Does.Contain(e.Number));
    }

    [Test]
    public void UnverifiedQuoteGivesNoState()
    {
        var (report, attestation, ak) = Quoted();
        // Another nonce than the one quoted: the quote is not bound to this submission.
        var replayed = attestation with { Nonce = new string('0', 2 * EvidenceBinding.NonceLength) };
        var check = ReportAttestation.Verify(report, replayed, Fleet.EventLog, ak);
        Assert.That(check.QuoteVerified, Is.False);
        Assert.That(check.LogSecureBoot?.Enabled, Is.Not.Null);
        Assert.That(check.SecureBoot, Is.Null);
    }
}
