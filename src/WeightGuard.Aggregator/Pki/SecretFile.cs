namespace WeightGuard.Aggregator.Pki;

/// <summary>Writes files whole or not at all: a temporary file beside the target, created with its final mode, then renamed.</summary>
public static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes a file only its owner can read or write (0600).</summary>
    public static void WriteOwnerOnly(string path, string text) => Write(path, text, OwnerOnly);

    /// <summary>Writes a file anyone may read (0644): certificates.</summary>
    public static void WritePublic(string path, string text) => Write(path, text, Public);

    private static void Write(string path, string text, UnixFileMode mode)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            // The create mode is masked by the umask; the mode is set again so that it is exactly this whatever the umask.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, mode);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
