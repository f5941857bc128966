using System.CommandLine;

namespace WeightGuard.Cli.Commands;

/// <summary>Options several commands share, so they are spelled and explained the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Catalog() => new("--catalog")
    {
        Description = "Use the catalogue in DIR (with controls/ and profiles/) instead of the one built in",
        HelpName = "DIR",
    };

    public static Option<string?> Root() => new("--root")
    {
        Description = "Read the host from the directory tree DIR (a mounted image or a test tree) instead of /",
        HelpName = "DIR",
    };
}
