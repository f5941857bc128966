using System.CommandLine;
using System.Text.Json;
using WeightGuard.Cli.Json;
using WeightGuard.Collectors.Disk;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard inspect luks FILE|DEVICE</c>: the parsed LUKS1/LUKS2 header as JSON.</summary>
internal static class InspectLuksCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "A LUKS device, partition, image file or header backup" };
        var command = new Command("luks", "Print a LUKS1/LUKS2 header as cryptsetup reads it (segment, cipher, key size, key slots, tokens, header copies, findings) as JSON")
        {
            target,
        };
        command.SetAction(parseResult => Run(parseResult.GetValue(target)!, Console.Out, Console.Error));
        return command;
    }

    private static int Run(string path, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(path));
            stdout.WriteLine(JsonSerializer.Serialize(summary, InspectLuksJsonContext.Default.LuksSummary));
            return 0;
        }
        catch (LuksFormatException e)
        {
            stderr.WriteLine($"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{path}: {e.Message}");
        }
        return 2;
    }
}
