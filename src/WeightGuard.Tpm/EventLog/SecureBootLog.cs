using System.Security.Cryptography;

namespace WeightGuard.Tpm.EventLog;

/// <summary>One Secure Boot policy variable as the firmware measured it into PCR 7.</summary>
/// <param name="Name">PK, KEK, db or dbx.</param>
/// <param name="VendorGuid">Its vendor GUID.</param>
/// <param name="Length">Size of its value in bytes (0 = empty, e.g. no PK: setup mode).</param>
/// <param name="SignatureCount">Entries in its EFI_SIGNATURE_LISTs; null when the value is malformed.</param>
/// <param name="Sha256">SHA-256 of the value, to compare with known-good databases.</param>
public sealed record SecureBootVariable(string Name, Guid VendorGuid, int Length, int? SignatureCount, string Sha256);

/// <summary>Secure Boot as the event log records it, read only from events whose digests match their data.</summary>
/// <param name="Enabled">The SecureBoot variable's value (true = 1); null when the log has no verified SecureBoot event,
/// or verified events that disagree.</param>
/// <param name="Variables">The verified PK, KEK, db and dbx events, in log order.</param>
/// <param name="AuthorityEvents">Number of verified EV_EFI_VARIABLE_AUTHORITY events (db entries that verified boot images).</param>
/// <param name="Unverified">The PCR 7 variable events whose digest does not match their data, which were ignored.</param>
public sealed record SecureBootLog(bool? Enabled, IReadOnlyList<SecureBootVariable> Variables, int AuthorityEvents,
    IReadOnlyList<UnverifiedEvent> Unverified)
{
    /// <summary>Reads the PCR 7 Secure Boot events of a log, skipping (and listing) those whose digest does not match their data.</summary>
    public static SecureBootLog From(TcgEventLog log)
    {
        var states = new HashSet<bool>();
        var variables = new List<SecureBootVariable>();
        var unverified = new List<UnverifiedEvent>();
        var authority = 0;
        foreach (var e in log.Events.Where(e => e.PcrIndex == 7 && e.EventType is TcgEventType.EfiVariableDriverConfig or TcgEventType.EfiVariableAuthority))
        {
            var check = EventDigestRules.Check(e);
            if (check.Verdict != DigestVerdict.Matches)
            {
                unverified.Add(new UnverifiedEvent(e.Number, TcgEventType.Name(e.EventType), e.PcrIndex, check.Detail));
                continue;
            }
            if (e.EventType == TcgEventType.EfiVariableAuthority) { authority++; continue; }
            if (UefiVariableData.TryParse(e.Data) is not { } v) continue;
            if (v.Name == "SecureBoot" && v.VendorGuid == UefiVariableData.EfiGlobalVariable)
                states.Add(v.Data.Length == 1 && v.Data[0] == 1);
            else if ((v.Name is "PK" or "KEK" && v.VendorGuid == UefiVariableData.EfiGlobalVariable) ||
                     (v.Name is "db" or "dbx" && v.VendorGuid == UefiVariableData.ImageSecurityDatabase))
                variables.Add(new SecureBootVariable(v.Name, v.VendorGuid, v.Data.Length, v.SignatureCount(),
                    Convert.ToHexStringLower(SHA256.HashData(v.Data))));
        }
        return new SecureBootLog(states.Count == 1 ? states.Single() : null, variables, authority, unverified);
    }
}
