using System.Text.Json;
using WeightGuard.Agent.Attestation;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Net;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Tpm;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Upload;

/// <summary>
/// Delivers one report: a fresh nonce, a quote binding the nonce and the report's evidence (for agents enrolled with a
/// TPM), and the submission over mTLS. A spooled report is quoted afresh at each attempt; the report itself never changes.
/// </summary>
public sealed class ReportUploader : IDisposable
{
    private readonly AggregatorClient _client;
    private readonly TpmAttestor? _attestor;
    private readonly Func<byte[]?> _eventLog;

    /// <summary>An uploader for an enrolled agent.</summary>
    /// <param name="identity">The saved identity.</param>
    /// <param name="root">
    /// The host the reports describe (the scan's <c>--root</c>, or <see cref="HostRoot.Live"/>): the firmware event log
    /// attached to a quote is read under it, so a report about a tree is never sent with this machine's log.
    /// </param>
    /// <param name="server">Overrides the enrolled server URL (agent config <c>server:</c>).</param>
    public ReportUploader(AgentIdentity identity, HostRoot root, Uri? server = null)
    {
        _client = AggregatorClient.Pinned(server ?? identity.Settings.Server, identity.CaCertificate, identity.ClientCertificate);
        _attestor = identity.Settings.Tpm ? new TpmAttestor(TpmSelector.Parse(identity.Settings.TpmSelector)) : null;
        _eventLog = () => FirmwareEventLog.TryRead(root.Resolve(TpmCollector.EventLogPath));
    }

    /// <summary>The aggregator reports go to.</summary>
    public Uri Server => _client.Server;

    /// <summary>Uploads <paramref name="reportJson"/> (a <c>weightguard.report/v1</c> document).</summary>
    /// <exception cref="AggregatorException">The aggregator is unreachable or refused the report.</exception>
    /// <exception cref="AgentException">The report is malformed or the TPM failed.</exception>
    public async Task<SubmissionResult> Upload(byte[] reportJson, CancellationToken cancel)
    {
        byte[] digest;
        try
        {
            using var report = JsonDocument.Parse(reportJson);
            digest = EvidenceBinding.EvidenceDigest(report.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException) { throw new AgentException($"the report cannot be submitted: {e.Message}", e); }

        QuoteAttestation? attestation = null;
        if (_attestor is not null)
        {
            var nonceAnswer = await _client.Nonce(cancel).ConfigureAwait(false);
            byte[] nonce;
            try { nonce = Convert.FromHexString(nonceAnswer.Nonce); }
            catch (FormatException) { throw new AggregatorException($"{Server}: the nonce is not hex", System.Net.HttpStatusCode.OK); }
            if (nonce.Length != EvidenceBinding.NonceLength)
                throw new AggregatorException($"{Server}: the nonce is {nonce.Length} bytes, not {EvidenceBinding.NonceLength}", System.Net.HttpStatusCode.OK);
            attestation = _attestor.Quote(nonce, digest, _eventLog());
        }
        var submission = SubmissionWriter.Write(reportJson, attestation);
        if (submission.Length > AgentProtocol.MaxSubmissionBytes)
            throw new AgentException($"the submission is {submission.Length} bytes, over the aggregator's {AgentProtocol.MaxSubmissionBytes}-byte limit");
        return await _client.Submit(submission, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
