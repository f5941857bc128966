using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Evidence;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Collectors.Tpm;

/// <summary>
/// Reads the TPM's identity and EK certificates, and the firmware event log through the host root, and checks that the
/// log replays to the TPM's live PCRs. Read-only: no key is created and no PCR is extended.
/// </summary>
/// <param name="root">Where the event log is read from.</param>
/// <param name="tpm">Which TPM to ask (<c>none</c> for a tree that is not the running host).</param>
public sealed class TpmCollector(HostRoot root, TpmSelector tpm)
{
    /// <summary>Where Linux exposes the firmware event log (readable by root only).</summary>
    public const string EventLogPath = "/sys/kernel/security/tpm0/binary_bios_measurements";

    /// <summary>Collects TPM evidence. TPM and log problems become facts with their reason; nothing is thrown for them.</summary>
    public TpmEvidence Collect()
    {
        var (log, logFact) = ReadEventLog();
        ITpmTransport? transport;
        try { transport = tpm.Open(); }
        catch (TpmUnavailableException e) { return new TpmEvidence { Present = false, Source = tpm.ToString(), EventLog = logFact, Error = e.Message }; }
        if (transport is null) return new TpmEvidence { Present = false, Source = tpm.ToString(), EventLog = logFact };
        using (transport)
        {
            var client = new TpmClient(transport);
            try
            {
                var info = client.ReadInfo();
                var certs = client.ReadEkCertificates().Select(Describe).ToList();
                if (log is not null) logFact = Compare(client, info, log, logFact!);
                return new TpmEvidence
                {
                    Present = info.Family == "2.0", Source = transport.Description, Version = info.Family, Revision = info.Revision,
                    Manufacturer = info.Manufacturer, FirmwareVersion = info.FirmwareVersion,
                    PcrBanks = info.PcrBanks.Where(b => b.Pcrs.Count > 0).Select(b => TpmHash.Describe(b.Hash)).ToList(),
                    EkCertificates = certs, EventLog = logFact,
                };
            }
            catch (Exception e) when (e is TpmUnavailableException or TpmErrorException or TpmFormatException or CryptographicException)
            {
                return new TpmEvidence { Present = false, Source = transport.Description, EventLog = logFact, Error = e.Message };
            }
        }
    }

    private (TcgEventLog?, TpmEventLogFact?) ReadEventLog()
    {
        var path = root.Resolve(EventLogPath);
        if (!File.Exists(path)) return (null, null);
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[TcgEventLogParser.MaxLogSize + 1];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var log = TcgEventLogParser.Parse(buffer.AsSpan(0, length));
            var secureBoot = SecureBootLog.From(log);
            var mismatches = EventDigestRules.Mismatches(log);
            return (log, new TpmEventLogFact
            {
                Path = EventLogPath, Events = log.Events.Count, SecureBoot = secureBoot.Enabled,
                SecureBootDatabases = secureBoot.Variables.Where(v => v.Length > 0).Select(v => v.Name).Distinct().ToList(),
                DigestMismatches = [.. mismatches.Take(TpmEventLogFact.MaxDigestMismatches).Select(m => m.ToString()),
                    .. mismatches.Count > TpmEventLogFact.MaxDigestMismatches
                        ? [$"… and {mismatches.Count - TpmEventLogFact.MaxDigestMismatches} more"] : Array.Empty<string>()],
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EventLogFormatException)
        {
            return (null, new TpmEventLogFact
            {
                Path = EventLogPath, Events = 0, Error = e is UnauthorizedAccessException ? "permission denied" : e.Message,
            });
        }
    }

    /// <summary>Reads the PCRs the log extends, in the banks the TPM has active, and compares.</summary>
    private static TpmEventLogFact Compare(TpmClient client, TpmInfo info, TcgEventLog log, TpmEventLogFact fact)
    {
        var replayed = PcrReplay.Replay(log);
        var selection = replayed.Algorithms
            .Where(alg => info.PcrBanks.Any(b => b.Hash == alg && b.Pcrs.Count > 0))
            .Select(alg => new TpmsPcrSelection(alg, replayed.Bank(alg).Keys.ToList())).ToList();
        if (selection.Count == 0) return fact with { MatchesPcrs = false, Mismatches = ["the log covers no PCR bank the TPM has active"] };
        var differences = PcrReplay.Differences(replayed, client.PcrRead(selection));
        return fact with { MatchesPcrs = differences.Count == 0, Mismatches = differences };
    }

    private static TpmEkCertificateFact Describe(EkCertificate ek)
    {
        using var cert = X509CertificateLoader.LoadCertificate(ek.Der);
        return new TpmEkCertificateFact($"0x{ek.NvIndex:X8}", EkCertificateValidator.DescribeKey(cert), cert.Issuer);
    }
}
