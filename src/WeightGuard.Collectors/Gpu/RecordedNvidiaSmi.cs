using System.Globalization;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Gpu;

/// <summary>
/// Replays nvidia-smi outputs recorded on a GPU host: for each query, a file named by
/// <see cref="NvidiaSmiQueries.RecordingName"/> holding its standard output and the same name plus <c>.rc</c> holding
/// <c>exit=N</c>. <c>tests/fixtures/nvidia-smi/record.sh</c> makes such a directory.
/// </summary>
/// <param name="directory">The directory on this machine that holds the recording.</param>
public sealed class RecordedNvidiaSmi(string directory) : INvidiaSmi
{
    /// <summary>Where a scanned tree keeps recorded nvidia-smi outputs (a tree's own nvidia-smi is never run).</summary>
    public const string TreePath = "/var/lib/weightguard/recorded/nvidia-smi";

    /// <inheritdoc />
    public string Source => "recorded";

    /// <inheritdoc />
    public NvidiaSmiOutput Run(NvidiaSmiQuery query)
    {
        var name = NvidiaSmiQueries.RecordingName(query);
        var output = Path.Combine(directory, name);
        var rc = output + ".rc";
        if (!File.Exists(output) || !File.Exists(rc)) throw new FileNotFoundException($"no recording of nvidia-smi {string.Join(' ', NvidiaSmiQueries.Arguments(query))} ({name})");
        var code = BoundedFile.ReadText(rc, InputKind.SystemFile, name: name + ".rc").Trim();
        if (!code.StartsWith("exit=", StringComparison.Ordinal) || !int.TryParse(code.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var exit))
            throw new InvalidDataException($"{name}.rc: expected 'exit=N', found '{(code.Length > 40 ? code[..40] + "…" : code)}'");
        return new NvidiaSmiOutput(exit, BoundedFile.ReadText(output, InputKind.RecordedOutput, name: name));
    }
}
