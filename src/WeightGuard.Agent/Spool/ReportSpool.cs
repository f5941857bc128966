using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WeightGuard.Agent.Files;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Agent.Spool;

/// <summary>
/// Reports waiting for delivery, one file each (<c>STATE/spool/TIME-REPORTID.json</c>), written atomically and read in
/// scan order. Bounded: when full, older reports are compacted to the newest of each day, then the oldest are dropped;
/// every drop is returned as a <see cref="SpoolLoss"/>. Files that are not the agent's reports are moved to
/// <c>corrupt/</c>, reports the aggregator refuses for good to <c>rejected/</c>.
/// </summary>
public sealed partial class ReportSpool
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    private readonly SpoolLimits _limits;

    /// <summary>A spool in <paramref name="directory"/> (created when missing).</summary>
    public ReportSpool(string directory, SpoolLimits limits)
    {
        Directory = directory;
        _limits = limits;
        StatePermissions.CreatePrivateDirectory(directory);
    }

    /// <summary>The spool directory.</summary>
    public string Directory { get; }

    /// <summary>Where unreadable spool files are moved.</summary>
    public string CorruptDirectory => Path.Combine(Directory, "corrupt");

    /// <summary>Where reports the aggregator refused for good are moved.</summary>
    public string RejectedDirectory => Path.Combine(Directory, "rejected");

    /// <summary>
    /// Tidies the spool after a crash: deletes half-written temporary files and moves files that are not spooled
    /// reports to <c>corrupt/</c>. Returns one message per file moved aside.
    /// </summary>
    public IReadOnlyList<SpoolLoss> Recover()
    {
        var problems = new List<SpoolLoss>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith(AtomicFile.TempPrefix, StringComparison.Ordinal)) File.Delete(file);
            else if (Parse(file) is null)
            {
                MoveAside(file, CorruptDirectory);
                problems.Add(new SpoolLoss(null, null, $"{name} is not a spooled report; moved to {CorruptDirectory}"));
            }
        }
        return problems;
    }

    /// <summary>The reports waiting, oldest scan first.</summary>
    public IReadOnlyList<SpooledReport> Pending() =>
        System.IO.Directory.EnumerateFiles(Directory).Select(Parse).OfType<SpooledReport>()
            .OrderBy(r => Path.GetFileName(r.Path), StringComparer.Ordinal).ToList();

    /// <summary>Stores a report, then compacts the spool to its limits. Returns what compaction dropped.</summary>
    public IReadOnlyList<SpoolLoss> Add(Guid reportId, DateTimeOffset finishedAt, byte[] reportJson)
    {
        var name = $"{finishedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{reportId:N}.json";
        AtomicFile.Write(Path.Combine(Directory, name), reportJson);
        return Compact(reportId);
    }

    /// <summary>A spooled report's bytes, checked to be a report with the id its name says.</summary>
    /// <exception cref="SpoolCorruptException">It is not; it has been moved to <c>corrupt/</c>.</exception>
    public byte[] Read(SpooledReport entry)
    {
        string? problem;
        byte[] bytes = [];
        try
        {
            bytes = File.ReadAllBytes(entry.Path);
            problem = bytes.Length > AgentProtocol.MaxSubmissionBytes ? $"{bytes.Length} bytes, over the submission limit" : Check(bytes, entry.ReportId);
        }
        catch (IOException e) { problem = e.Message; }
        if (problem is null) return bytes;
        MoveAside(entry.Path, CorruptDirectory);
        throw new SpoolCorruptException($"{Path.GetFileName(entry.Path)}: {problem}; moved to {CorruptDirectory}");
    }

    /// <summary>Removes a delivered report.</summary>
    public void Remove(SpooledReport entry)
    {
        File.Delete(entry.Path);
        AtomicFile.FlushDirectory(Directory);
    }

    /// <summary>Moves a report the aggregator refused for good to <c>rejected/</c>, keeping it for a person to look at.</summary>
    public void Reject(SpooledReport entry) => MoveAside(entry.Path, RejectedDirectory);

    private IReadOnlyList<SpoolLoss> Compact(Guid keep)
    {
        var losses = new List<SpoolLoss>();
        var pending = Pending().ToList();
        while (pending.Count > 1 && (pending.Count > _limits.MaxReports || pending.Sum(r => r.Size) > _limits.MaxBytes))
        {
            // First thin older days to their newest report; only then give up whole days, oldest first.
            var newestPerDay = pending.GroupBy(r => r.FinishedAt.UtcDateTime.Date).Select(g => g.Last()).ToHashSet();
            var victim = pending.FirstOrDefault(r => !newestPerDay.Contains(r) && r.ReportId != keep);
            var reason = "spool full: compacted to the newest report of " + (victim?.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
            if (victim is null)
            {
                victim = pending.First(r => r.ReportId != keep);
                reason = "spool full: dropped the oldest report";
            }
            File.Delete(victim.Path);
            pending.Remove(victim);
            losses.Add(new SpoolLoss(victim.ReportId, victim.FinishedAt, reason));
        }
        if (losses.Count > 0) AtomicFile.FlushDirectory(Directory);
        return losses;
    }

    private static string? Check(byte[] bytes, Guid reportId)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "not a JSON object";
            if (!root.TryGetProperty("reportId", out var id) || !id.TryGetGuid(out var parsed) || parsed != reportId)
                return "its reportId does not match its name";
            return root.TryGetProperty("evidence", out var evidence) && evidence.ValueKind == JsonValueKind.Object ? null : "no evidence object";
        }
        catch (JsonException e) { return "not valid JSON: " + e.Message; }
    }

    private static SpooledReport? Parse(string path)
    {
        var match = SpoolName().Match(Path.GetFileName(path));
        if (!match.Success) return null;
        if (!DateTime.TryParseExact(match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)) return null;
        long size;
        try { size = new FileInfo(path).Length; }
        catch (IOException) { return null; }
        return new SpooledReport(path, Guid.ParseExact(match.Groups["id"].Value, "N"), new DateTimeOffset(time, TimeSpan.Zero), size);
    }

    private static void MoveAside(string file, string folder)
    {
        StatePermissions.CreatePrivateDirectory(folder);
        File.Move(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
    }

    [GeneratedRegex(@"^(?<time>\d{8}T\d{9}Z)-(?<id>[0-9a-f]{32})\.json$")]
    private static partial Regex SpoolName();
}
