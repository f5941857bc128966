using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Ports;

/// <summary>
/// The <c>blacklist</c> and <c>install</c> directives of modprobe.d, in the order modprobe reads the directories. Module
/// names compare with <c>-</c> and <c>_</c> alike, as modprobe does.
/// </summary>
internal static class ModprobeDirectives
{
    private static readonly string[] Directories = ["/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"];
    private const int MaxFiles = 500;

    /// <summary>Where <paramref name="module"/> is kept from loading (<c>file:line</c>), or null: a blacklist (no autoload on device insertion) or an install command that does nothing.</summary>
    public static string? BlockedBy(HostRoot root, string module)
    {
        var name = Normalise(module);
        foreach (var file in Directories.SelectMany(d => HostGlob.Expand(root, d + "/*.conf")).Take(MaxFiles))
        {
            var text = root.ReadText(file, InputKind.ConfigFile) ?? "";
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var words = lines[i].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (words.Length < 2 || Normalise(words[1]) != name) continue;
                if (words[0] == "blacklist" || (words[0] == "install" && words.Length >= 3 && Path.GetFileName(words[2]) is "false" or "true"))
                    return $"{file}:{i + 1}";
            }
        }
        return null;
    }

    private static string Normalise(string module) => module.Replace('-', '_');
}
