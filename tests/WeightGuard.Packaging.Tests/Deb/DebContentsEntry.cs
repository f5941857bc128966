namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>One line of <c>dpkg-deb --contents</c>: <c>-rw-r----- root/root 1365 2026-01-01 12:00 ./etc/x</c>.</summary>
public sealed record DebContentsEntry(string Mode, string Owner, string Path)
{
    /// <summary>Parses every line of a <c>dpkg-deb --contents</c> listing; paths lose their leading dot.</summary>
    public static IReadOnlyList<DebContentsEntry> ParseListing(string listing) =>
        listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new DebContentsEntry(f[0], f[1], f[5].TrimStart('.')))
            .ToList();
}
