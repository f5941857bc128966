using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Cli.Commands;
using YamlDotNet.Core;

namespace WeightGuard.Cli;

/// <summary>
/// The one place an exception that no command handled ends: bad input (a file that cannot be read, malformed data) is
/// one line on standard error and exit 2, as for every input error; anything else is a bug, reported as one
/// internal-error line and exit 3. A stack trace is printed only with <c>--verbose</c>.
/// </summary>
internal static class TopLevelGuard
{
    /// <summary>Runs <paramref name="command"/> and turns an escaped exception into a line and an exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> command, bool verbose, TextWriter stderr)
    {
        try
        {
            return await command();
        }
        catch (Exception thrown)
        {
            var e = Unwrap(thrown);
            var input = IsInputError(e);
            stderr.WriteLine(input
                ? $"weightguard: {OneLine(e.Message)}"
                : $"weightguard: internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug in WeightGuard; rerun with --verbose and report it)");
            if (verbose) stderr.WriteLine(thrown);
            return input ? ExitCodes.BadInput : ExitCodes.InternalError;
        }
    }

    /// <summary>Exceptions that describe the input rather than WeightGuard: unreadable or malformed files and data.</summary>
    private static bool IsInputError(Exception e) => e is IOException or UnauthorizedAccessException or InvalidDataException
        or YamlException or JsonException or FormatException or CryptographicException;

    /// <summary>Parallel work wraps what went wrong; one inner exception is reported as itself.</summary>
    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;

    /// <summary>A message on one line with control characters shown as '?', so input text cannot drive the terminal.</summary>
    private static string OneLine(string message) =>
        new(message.ReplaceLineEndings(" ").Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
