using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Gpu;

/// <summary>Parsers for the NVIDIA driver's procfs files and for modprobe configuration.</summary>
public static class NvidiaDriverFiles
{
    /// <summary>Most lines read from one file.</summary>
    public const int MaxLines = 10_000;

    /// <summary>Parses <c>/proc/driver/nvidia/params</c> (<c>Name: value</c> per line) into the parameters that matter.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxLines"/> lines.</exception>
    public static NvidiaDriverParameters ParseParams(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(text, "/proc/driver/nvidia/params"))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            values.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        long? Number(string name) => values.TryGetValue(name, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new NvidiaDriverParameters
        {
            ProfilingAdminOnly = Number("RmProfilingAdminOnly") is { } p ? p != 0 : null,
            ModifyDeviceFiles = Number("ModifyDeviceFiles") is { } m ? m != 0 : null,
            DeviceFileMode = Number("DeviceFileMode") is { } mode and <= 0xFFF ? Convert.ToString(mode, 8).PadLeft(4, '0') : null,
            DeviceFileUid = Number("DeviceFileUID"),
            DeviceFileGid = Number("DeviceFileGID"),
        };
    }

    /// <summary>The version in <c>/proc/driver/nvidia/version</c>: the token after "Kernel Module" (or "Module") on the NVRM line.</summary>
    public static string? ParseVersion(string text)
    {
        var nvrm = text.Split('\n').FirstOrDefault(l => l.StartsWith("NVRM version:", StringComparison.Ordinal));
        if (nvrm is null) return null;
        var tokens = nvrm.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return tokens.FirstOrDefault(t => t.Length <= 32 && t.Count(c => c == '.') >= 1 && t.All(c => char.IsAsciiDigit(c) || c == '.') && char.IsAsciiDigit(t[0]));
    }

    /// <summary>The <c>options MODULE name=value…</c> lines of a modprobe.d file for modules whose name starts with <c>nvidia</c>.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxLines"/> lines.</exception>
    public static IEnumerable<ModprobeOption> ParseModprobe(string text, string file)
    {
        var number = 0;
        var continued = "";
        foreach (var raw in Lines(text, file))
        {
            number++;
            // modprobe.d joins lines that end in a backslash
            if (raw.EndsWith('\\')) { continued += raw[..^1] + " "; continue; }
            var line = (continued + raw).Trim();
            continued = "";
            if (line.StartsWith('#')) continue;
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0] != "options" || !words[1].StartsWith("nvidia", StringComparison.Ordinal)) continue;
            foreach (var word in words.Skip(2))
            {
                var eq = word.IndexOf('=');
                yield return eq > 0
                    ? new ModprobeOption(words[1], word[..eq], word[(eq + 1)..].Trim('"'), $"{file}:{number}")
                    : new ModprobeOption(words[1], word, "", $"{file}:{number}");
            }
        }
    }

    private static IEnumerable<string> Lines(string text, string file)
    {
        var lines = text.Split('\n');
        if (lines.Length > MaxLines) throw new InvalidDataException($"{file}: more than {MaxLines} lines");
        return lines.Select(l => l.TrimEnd('\r'));
    }
}
