using System.Globalization;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>An RPM package version: epoch, version and release.</summary>
/// <param name="Epoch">Epoch (0 when absent).</param>
/// <param name="Version">Upstream version.</param>
/// <param name="Release">Release (empty when absent).</param>
public sealed record RpmEvr(long Epoch, string Version, string Release) : IComparable<RpmEvr>
{
    /// <summary>Parses <c>[epoch:]version[-release]</c>; the release follows the last '-'.</summary>
    public static RpmEvr Parse(string evr)
    {
        long epoch = 0;
        var colon = evr.IndexOf(':');
        if (colon > 0 && long.TryParse(evr.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var e))
        {
            epoch = e;
            evr = evr[(colon + 1)..];
        }
        var dash = evr.LastIndexOf('-');
        return dash >= 0 ? new RpmEvr(epoch, evr[..dash], evr[(dash + 1)..]) : new RpmEvr(epoch, evr, "");
    }

    /// <summary>Epoch first, then version and release with <see cref="RpmVersion.CompareSegments"/>, as rpm's <c>rpmverCmp</c>.</summary>
    public int CompareTo(RpmEvr? other)
    {
        if (other is null) return 1;
        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0) return Math.Sign(c);
        c = RpmVersion.CompareSegments(Version, other.Version);
        return c != 0 ? c : RpmVersion.CompareSegments(Release, other.Release);
    }

    /// <summary><c>epoch:version-release</c>, the epoch only when not 0.</summary>
    public override string ToString() => (Epoch != 0 ? $"{Epoch}:" : "") + Version + (Release.Length > 0 ? "-" + Release : "");
}

/// <summary>Orders RPM versions exactly as rpm does (<c>rpmvercmp</c> for each part, epoch first).</summary>
public sealed class RpmVersion : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static RpmVersion Comparer { get; } = new();

    /// <summary>Compares two <c>[epoch:]version[-release]</c> strings: -1, 0 or 1.</summary>
    public int Compare(string? a, string? b) => RpmEvr.Parse(a ?? "").CompareTo(RpmEvr.Parse(b ?? ""));

    /// <summary>
    /// rpm's <c>rpmvercmp</c>: separators other than '~' and '^' only split; '~' sorts before everything, even the end;
    /// '^' sorts after the end but before anything else; digit runs compare as numbers and beat letter runs.
    /// </summary>
    public static int CompareSegments(string a, string b)
    {
        if (a == b) return 0;
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !char.IsAsciiLetterOrDigit(a[i]) && a[i] is not ('~' or '^')) i++;
            while (j < b.Length && !char.IsAsciiLetterOrDigit(b[j]) && b[j] is not ('~' or '^')) j++;
            var ca = i < a.Length ? a[i] : '\0';
            var cb = j < b.Length ? b[j] : '\0';
            if (ca == '~' || cb == '~')
            {
                if (ca != '~') return 1;
                if (cb != '~') return -1;
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^')
            {
                if (ca == '\0') return -1;
                if (cb == '\0') return 1;
                if (ca != '^') return 1;
                if (cb != '^') return -1;
                i++;
                j++;
                continue;
            }
            if (ca == '\0' || cb == '\0') break;
            var numeric = char.IsAsciiDigit(ca);
            Func<char, bool> same = numeric ? char.IsAsciiDigit : char.IsAsciiLetter;
            int ei = i, ej = j;
            while (ei < a.Length && same(a[ei])) ei++;
            while (ej < b.Length && same(b[ej])) ej++;
            // a digit run against a letter run: the number is newer
            if (ej == j) return numeric ? 1 : -1;
            if (numeric)
            {
                while (i < ei && a[i] == '0') i++;
                while (j < ej && b[j] == '0') j++;
                if (ei - i != ej - j) return ei - i > ej - j ? 1 : -1;
            }
            var c = a.AsSpan(i, ei - i).SequenceCompareTo(b.AsSpan(j, ej - j));
            if (c != 0) return Math.Sign(c);
            (i, j) = (ei, ej);
        }
        if (i >= a.Length && j >= b.Length) return 0;
        return i >= a.Length ? -1 : 1;
    }
}
