using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>A binary package stanza: the fields needed to compare versions.</summary>
/// <param name="Package">Package name.</param>
/// <param name="Version">Version.</param>
/// <param name="Architecture">Architecture (<c>amd64</c>, <c>all</c>…).</param>
/// <param name="Status">dpkg's Status field (empty in apt lists).</param>
public sealed record PackageStanza(string Package, string Version, string Architecture, string Status);

/// <summary>
/// Streams RFC 822-style Debian control stanzas (<c>/var/lib/dpkg/status</c>, apt <c>*_Packages</c> lists, plain or
/// compressed with gzip or lz4 as apt stores them) and keeps only Package, Version, Architecture and Status.
/// </summary>
public static class DebianControlReader
{
    /// <summary>Most decompressed bytes read from one file.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Longest line accepted.</summary>
    public const int MaxLineChars = 64 << 10;

    /// <summary>Opens a list by its name's compression suffix (none, <c>.gz</c> or <c>.lz4</c>).</summary>
    /// <exception cref="InvalidDataException">A compression WeightGuard does not read (.xz, .zst, .bz2).</exception>
    public static Stream Open(string localPath)
    {
        Stream file = BoundedFile.OpenStream(localPath);
        try
        {
            // apt names lists …_Packages, …_Packages.lz4, …_Packages.gz; the host name in front has dots of its own
            var name = Path.GetFileName(localPath);
            var marker = name.LastIndexOf("_Packages", StringComparison.Ordinal);
            var suffix = marker < 0 ? Path.GetExtension(name) : name[(marker + "_Packages".Length)..];
            return suffix switch
            {
                ".lz4" => LZ4Stream.Decode(file, leaveOpen: false),
                ".gz" => new GZipStream(file, CompressionMode.Decompress, leaveOpen: false),
                "" => file,
                var other => throw new InvalidDataException($"{name}: {other} compression is not read"),
            };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The stanzas of a control file.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxBytes"/> bytes, an over-long line, a corrupt compressed stream (names the file and line).</exception>
    public static IEnumerable<PackageStanza> Read(Stream stream, string name, long maxBytes = MaxBytes)
    {
        using var reader = new StreamReader(new BoundedStream(stream, maxBytes, name));
        string? package = null, version = null, arch = null, status = null;
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = ReadLine(reader, name, number + 1);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException or IOException && e is not FileNotFoundException)
            {
                throw new InvalidDataException($"{name}: after line {number}: {e.Message}", e);
            }
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (package is not null && version is not null) yield return new PackageStanza(package, version, arch ?? "", status ?? "");
                (package, version, arch, status) = (null, null, null, null);
                if (line is null) yield break;
                continue;
            }
            if (line[0] is ' ' or '\t') continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException($"{name}:{number}: '{(line.Length > 40 ? line[..40] + "…" : line)}' is not 'Field: value'");
            var value = line[(colon + 1)..].Trim();
            switch (line.AsSpan(0, colon))
            {
                case "Package": package = value; break;
                case "Version": version = value; break;
                case "Architecture": arch = value; break;
                case "Status": status = value; break;
            }
        }
    }

    /// <summary>One line, refusing to build one longer than <see cref="MaxLineChars"/>; null at the end.</summary>
    private static string? ReadLine(StreamReader reader, string name, int number)
    {
        var line = new System.Text.StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n') return line.ToString();
            if (line.Length == MaxLineChars) throw new InvalidDataException($"{name}:{number}: line longer than {MaxLineChars} characters");
            line.Append((char)c);
        }
        return line.Length > 0 ? line.ToString() : null;
    }
}
