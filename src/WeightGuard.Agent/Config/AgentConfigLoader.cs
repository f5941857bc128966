using System.Globalization;
using System.Text.RegularExpressions;
using Serilog.Events;
using WeightGuard.Agent.Spool;
using WeightGuard.Core.Catalog;
using WeightGuard.Tpm.Transport;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Agent.Config;

/// <summary>The outcome of loading a configuration: the config, or every problem as <c>file:line: message</c>.</summary>
/// <param name="Config">The configuration when there were no errors.</param>
/// <param name="Errors">Every problem found.</param>
public sealed record AgentConfigResult(AgentConfig? Config, IReadOnlyList<CatalogError> Errors);

/// <summary>Reads <c>agent.yaml</c> with the representation model (line numbers, no reflection), reporting every problem.</summary>
public static partial class AgentConfigLoader
{
    /// <summary>Largest configuration file read.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly string[] Levels = ["verbose", "debug", "information", "warning", "error", "fatal"];

    /// <summary>Loads a configuration file; a missing file is an error.</summary>
    public static AgentConfigResult LoadFile(string path)
    {
        string text;
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[MaxBytes + 1];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaxBytes) return Failed(path, $"larger than {MaxBytes} bytes");
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Failed(path, e is FileNotFoundException ? "no such file" : e.Message); }
        catch (System.Text.DecoderFallbackException) { return Failed(path, "not UTF-8 text"); }
        return Load(path, text);
    }

    /// <summary>Parses configuration text; <paramref name="file"/> names it in errors.</summary>
    public static AgentConfigResult Load(string file, string text)
    {
        var errors = new List<CatalogError>();
        var reader = new YamlNodeReader(file, errors);
        // A file of nothing but comments (a freshly installed default) means every default.
        if (text.Split('\n').All(line => line.TrimStart() is "" or ['#', ..])) return new AgentConfigResult(new AgentConfig(), []);
        var root = reader.ParseRoot(text);
        if (root is null) return new AgentConfigResult(null, errors);
        var entries = reader.Entries(root, "server", "state", "root", "profile", "weights", "interval", "jitter", "tpm", "spool", "hashing", "log");
        var config = new AgentConfig();

        if (reader.Scalar(entries, "server", root, required: false) is { } server)
        {
            if (Uri.TryCreate(server, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps) config = config with { Server = uri };
            else reader.Error(entries["server"], $"'server' must be an https:// URL, not '{server}'");
        }
        if (reader.Scalar(entries, "state", root, required: false) is { } state)
        {
            if (Path.IsPathFullyQualified(state)) config = config with { State = state };
            else reader.Error(entries["state"], $"'state' must be an absolute path, not '{state}'");
        }
        if (reader.Scalar(entries, "root", root, required: false) is { } hostRoot)
        {
            if (Path.IsPathFullyQualified(hostRoot)) config = config with { Root = hostRoot };
            else reader.Error(entries["root"], $"'root' must be an absolute path, not '{hostRoot}'");
        }
        if (reader.Scalar(entries, "profile", root, required: false) is { } profile) config = config with { Profile = profile };
        if (entries.ContainsKey("weights") && reader.StringList(entries, "weights", root) is { } weights)
        {
            foreach (var (w, node) in weights.Zip(((YamlSequenceNode)entries["weights"]).Children))
                if (!w.StartsWith('/')) reader.Error(node, $"'weights' entries must be absolute paths, not '{w}'");
            config = config with { Weights = weights };
        }
        if (Duration(reader, entries, "interval", root) is { } interval)
        {
            // A scan a second is the most the agent does: a shorter interval would leave no time between scans.
            if (interval < TimeSpan.FromSeconds(1)) reader.Error(entries["interval"], "'interval' must be at least 1s");
            else config = config with { Interval = interval };
        }
        if (Duration(reader, entries, "jitter", root) is { } jitter) config = config with { Jitter = jitter };
        if (reader.Scalar(entries, "tpm", root, required: false) is { } tpm)
        {
            try { TpmSelector.Parse(tpm); config = config with { Tpm = tpm }; }
            catch (FormatException e) { reader.Error(entries["tpm"], "'tpm': " + e.Message); }
        }
        if (reader.Map(entries, "spool", root, required: false) is { } spool) config = config with { Spool = ReadSpool(reader, spool) };
        if (reader.Map(entries, "hashing", root, required: false) is { } hashing) config = config with { Hashing = ReadHashing(reader, hashing) };
        if (reader.Map(entries, "log", root, required: false) is { } log) config = config with { Log = ReadLog(reader, log) };
        return errors.Count > 0 ? new AgentConfigResult(null, errors) : new AgentConfigResult(config, []);
    }

    private static SpoolLimits ReadSpool(YamlNodeReader reader, YamlMappingNode map)
    {
        var entries = reader.Entries(map, "maxReports", "maxBytes");
        var limits = SpoolLimits.Default;
        if (Integer(reader, entries, "maxReports", map, 1, 1_000_000) is { } reports) limits = limits with { MaxReports = (int)reports };
        if (reader.Scalar(entries, "maxBytes", map, required: false) is { } bytes)
        {
            if (ParseSize(bytes) is { } size and >= 1024 * 1024) limits = limits with { MaxBytes = size };
            else reader.Error(entries["maxBytes"], $"'maxBytes' must be a size of at least 1MiB such as 256MiB or 1GiB, not '{bytes}'");
        }
        return limits;
    }

    private static HashingConfig ReadHashing(YamlNodeReader reader, YamlMappingNode map)
    {
        var entries = reader.Entries(map, "enabled", "gpuBusyPercent", "manifests", "manifestSigners");
        var hashing = new HashingConfig();
        if (Boolean(reader, entries, "enabled", map) is { } enabled) hashing = hashing with { Enabled = enabled };
        if (Integer(reader, entries, "gpuBusyPercent", map, 0, 100) is { } busy) hashing = hashing with { GpuBusyPercent = (int)busy };
        if (AbsolutePaths(reader, entries, "manifests", map) is { } manifests) hashing = hashing with { Manifests = manifests };
        if (AbsolutePaths(reader, entries, "manifestSigners", map) is { } signers) hashing = hashing with { ManifestSigners = signers };
        if (hashing.Manifests is { Count: > 0 } && hashing.ManifestSigners is not { Count: > 0 })
            reader.Error(entries["manifests"], "'manifests' needs 'manifestSigners': the certificates allowed to sign them");
        return hashing;
    }

    private static IReadOnlyList<string>? AbsolutePaths(YamlNodeReader reader, Dictionary<string, YamlNode> entries, string key, YamlMappingNode map)
    {
        if (!entries.ContainsKey(key) || reader.StringList(entries, key, map) is not { } paths) return null;
        foreach (var (p, node) in paths.Zip(((YamlSequenceNode)entries[key]).Children))
            if (!Path.IsPathFullyQualified(p)) reader.Error(node, $"'{key}' entries must be absolute paths, not '{p}'");
        return paths;
    }

    private static LogConfig ReadLog(YamlNodeReader reader, YamlMappingNode map)
    {
        var entries = reader.Entries(map, "console", "file", "level");
        var log = new LogConfig();
        if (Boolean(reader, entries, "console", map) is { } console) log = log with { Console = console };
        if (reader.Scalar(entries, "file", map, required: false) is { } file)
        {
            if (Path.IsPathFullyQualified(file)) log = log with { File = file };
            else reader.Error(entries["file"], $"'file' must be an absolute path, not '{file}'");
        }
        if (reader.Scalar(entries, "level", map, required: false) is { } level)
        {
            var index = Array.IndexOf(Levels, level.ToLowerInvariant());
            if (index >= 0) log = log with { Level = (LogEventLevel)index };
            else reader.Error(entries["level"], $"'level' must be one of {string.Join(", ", Levels)}, not '{level}'");
        }
        return log;
    }

    private static TimeSpan? Duration(YamlNodeReader reader, Dictionary<string, YamlNode> entries, string key, YamlNode owner)
    {
        if (reader.Scalar(entries, key, owner, required: false) is not { } text) return null;
        if (ParseDuration(text) is { } duration) return duration;
        reader.Error(entries[key], $"'{key}' must be a duration such as 30s, 15m, 1h or 1d, not '{text}'");
        return null;
    }

    private static long? Integer(YamlNodeReader reader, Dictionary<string, YamlNode> entries, string key, YamlNode owner, long min, long max)
    {
        if (reader.Scalar(entries, key, owner, required: false) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        reader.Error(entries[key], $"'{key}' must be a whole number from {min} to {max}, not '{text}'");
        return null;
    }

    private static bool? Boolean(YamlNodeReader reader, Dictionary<string, YamlNode> entries, string key, YamlNode owner)
    {
        if (reader.Scalar(entries, key, owner, required: false) is not { } text) return null;
        if (text is "true" or "false") return text == "true";
        reader.Error(entries[key], $"'{key}' must be true or false, not '{text}'");
        return null;
    }

    /// <summary>Parses <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c> (up to 366 days); null otherwise.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        var value = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return value <= TimeSpan.FromDays(366) ? value : null;
    }

    /// <summary>Parses a byte size: a number with an optional unit B, KiB, MiB, GiB (or KB, MB, GB as powers of 1000).</summary>
    public static long? ParseSize(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        long unit = match.Groups[2].Value switch
        {
            "KiB" => 1L << 10, "MiB" => 1L << 20, "GiB" => 1L << 30,
            "KB" => 1000, "MB" => 1000_000, "GB" => 1000_000_000,
            _ => 1,
        };
        return n <= long.MaxValue / unit ? n * unit : null;
    }

    private static AgentConfigResult Failed(string file, string message) => new(null, [new CatalogError(new SourceLocation(file, 1), message)]);

    [GeneratedRegex(@"^([0-9]{1,7})(s|m|h|d)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^([0-9]{1,15})\s*(B|KiB|MiB|GiB|KB|MB|GB)?$")]
    private static partial Regex SizePattern();
}
