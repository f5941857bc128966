using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WeightGuard.Evidence;

/// <summary>What a privileged action was: who did what to what, from where.</summary>
/// <param name="Actor">Who: an API token's holder and id, or <c>command line</c>.</param>
/// <param name="Action">What, as a dotted name, e.g. <c>api-token.revoked</c>.</param>
/// <param name="Target">What it was done to: a token id, an agent id, a waiver id.</param>
/// <param name="Details">Anything else worth keeping (a role, a control, a manifest hash); empty when nothing.</param>
/// <param name="Source">From where: the client's address, or <c>command line</c>.</param>
public sealed record AuditAction(string Actor, string Action, string Target, string Details, string Source);

/// <summary>One row of the aggregator's audit log, as stored and as <c>audit.jsonl</c> in a bundle carries it (one row per line).</summary>
/// <param name="Seq">Its position, from 1, without gaps.</param>
/// <param name="At">When (millisecond precision).</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Target">To what.</param>
/// <param name="Details">More.</param>
/// <param name="Source">From where.</param>
/// <param name="PreviousSha256">The SHA-256 of the row before (<see cref="AuditChain.Genesis"/> for the first).</param>
/// <param name="Sha256">SHA-256 of this row: see <see cref="AuditChain.Hash"/>.</param>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Target, string Details, string Source,
    string PreviousSha256, string Sha256);

/// <summary>The fields a row's SHA-256 covers, serialised compactly in this order (the time as Unix milliseconds).</summary>
internal sealed record AuditHashInput(long Seq, long At, string Actor, string Action, string Target, string Details, string Source, string PreviousSha256);

/// <summary>
/// The audit log's hash chain: each row's SHA-256 covers its own fields and the SHA-256 of the row before, so changing,
/// removing or reordering any row breaks every link after it — and the verifier names the first row that does not hold.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first row.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The row that follows <paramref name="last"/> (null: the log is empty) for <paramref name="action"/> at <paramref name="at"/>.</summary>
    public static AuditEntry Append(AuditEntry? last, AuditAction action, DateTimeOffset at)
    {
        var seq = (last?.Seq ?? 0) + 1;
        var when = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        var previous = last?.Sha256 ?? Genesis;
        var hash = Hash(new AuditHashInput(seq, when.ToUnixTimeMilliseconds(), action.Actor, action.Action, action.Target, action.Details, action.Source, previous));
        return new AuditEntry(seq, when, action.Actor, action.Action, action.Target, action.Details, action.Source, previous, hash);
    }

    /// <summary>The SHA-256 (lowercase hex) a row must carry: over the compact JSON of its fields and its predecessor's hash.</summary>
    internal static string Hash(AuditHashInput input) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(input, AuditJsonContext.Default.AuditHashInput)));

    /// <summary>One row as a line of <c>audit.jsonl</c> (compact JSON, newline-terminated).</summary>
    public static byte[] Line(AuditEntry entry)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.AuditEntry);
        return [.. json, (byte)'\n'];
    }

    /// <summary>
    /// Checks <c>audit.jsonl</c> line by line: every row parses, numbers run 1, 2, 3…, each links to the hash of the row
    /// before, and each hash is that of its content. Every problem names the row (sequence number and action).
    /// </summary>
    /// <returns>The rows that hold.</returns>
    public static int Verify(Stream jsonl, string path, List<BundleProblem> problems)
    {
        using var reader = new StreamReader(jsonl, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var expectedSeq = 1L;
        var previous = Genesis;
        var held = 0;
        var lineNumber = 0;
        try
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                AuditEntry entry;
                try { entry = JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditEntry) ?? throw new JsonException("null"); }
                catch (JsonException e)
                {
                    problems.Add(new BundleProblem(path, $"line {lineNumber} is not an audit row: {e.Message}"));
                    return held;
                }
                var name = $"row {entry.Seq} ({entry.Action} {entry.Target} by {entry.Actor} at {entry.At.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ})";
                var before = problems.Count;
                if (entry.Seq != expectedSeq)
                    problems.Add(new BundleProblem(path, $"{name}: expected row {expectedSeq} here: a row was removed, added or reordered"));
                if (entry.PreviousSha256 != previous)
                    problems.Add(new BundleProblem(path, $"{name}: does not link to the SHA-256 of the row before it: a row was removed, added or reordered"));
                var hash = Hash(new AuditHashInput(entry.Seq, entry.At.ToUnixTimeMilliseconds(), entry.Actor, entry.Action, entry.Target, entry.Details,
                    entry.Source, entry.PreviousSha256));
                if (hash != entry.Sha256)
                    problems.Add(new BundleProblem(path, $"{name}: its SHA-256 does not match its content: the row was changed after it was written"));
                if (problems.Count == before) held++;
                expectedSeq = entry.Seq + 1;
                previous = entry.Sha256;
            }
        }
        catch (DecoderFallbackException) { problems.Add(new BundleProblem(path, $"line {lineNumber + 1} is not UTF-8 text")); }
        return held;
    }
}
