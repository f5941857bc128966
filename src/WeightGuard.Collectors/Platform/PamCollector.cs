using WeightGuard.Core.Inputs;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform;

/// <summary>
/// Reads the <c>auth</c> stacks of the PAM services administrators sign in through, following <c>@include</c>,
/// <c>include</c> and <c>substack</c> (bounded in depth and lines). Nothing is loaded or run.
/// </summary>
public sealed class PamCollector(HostRoot root)
{
    private static readonly string[] Services = ["sshd", "sudo", "login", "su"];
    private const int MaxDepth = 8, MaxModules = 1000;

    /// <summary>Collects the stacks of the services that exist.</summary>
    public PamEvidence Collect()
    {
        var errors = new List<PathError>();
        var stacks = new List<PamStack>();
        foreach (var service in Services)
        {
            if (!File.Exists(root.Resolve("/etc/pam.d/" + service))) continue;
            var auth = new List<PamModule>();
            Read(service, 0, auth, errors);
            stacks.Add(new PamStack(service, auth));
        }
        return new PamEvidence { Stacks = stacks, Errors = errors };
    }

    private void Read(string name, int depth, List<PamModule> auth, List<PathError> errors)
    {
        var path = "/etc/pam.d/" + name;
        if (depth > MaxDepth || name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            errors.Add(new PathError(path, $"include deeper than {MaxDepth} levels or outside /etc/pam.d"));
            return;
        }
        string? text;
        try { text = root.ReadText(path, InputKind.ConfigFile); }
        catch (Exception e) when (e is UnauthorizedAccessException or InvalidDataException) { errors.Add(new PathError(path, e.Message)); return; }
        if (text is null) { errors.Add(new PathError(path, "included file does not exist")); return; }
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && auth.Count < MaxModules; i++)
        {
            var line = lines[i].Split('#')[0].Trim();
            if (line.StartsWith("@include", StringComparison.Ordinal)) { Read(line["@include".Length..].Trim(), depth + 1, auth, errors); continue; }
            var words = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0].TrimStart('-') != "auth") continue;
            // a bracketed control such as [success=1 default=ignore] is one field with spaces in it
            var control = words[1];
            var next = 2;
            if (control.StartsWith('['))
                while (!control.EndsWith(']') && next < words.Length) control += " " + words[next++];
            if (next >= words.Length) continue;
            if (control is "include" or "substack") Read(words[next], depth + 1, auth, errors);
            else auth.Add(new PamModule(control, Path.GetFileName(words[next]), $"{path}:{i + 1}"));
        }
    }
}
