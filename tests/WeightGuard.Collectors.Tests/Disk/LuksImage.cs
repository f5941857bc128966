using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>A LUKS image made by the real <c>cryptsetup luksFormat</c> on a plain file (no device-mapper needed).</summary>
public sealed class LuksImage
{
    private readonly string _cryptsetup;

    private LuksImage(string cryptsetup, string path, string keyFile)
    {
        _cryptsetup = cryptsetup;
        Path = path;
        KeyFile = keyFile;
    }

    public string Path { get; }

    /// <summary>The (test-only) key file that opens key slot 0.</summary>
    public string KeyFile { get; }

    /// <summary>Formats a new image in <paramref name="directory"/>; <paramref name="args"/> go to luksFormat
    /// (cipher, key size, pbkdf…). Fast PBKDF settings are the caller's job.</summary>
    public static LuksImage Format(string directory, string name, params string[] args) => Format(directory, name, 20L << 20, args);

    /// <summary>Formats a new image of <paramref name="size"/> bytes.</summary>
    public static LuksImage Format(string directory, string name, long size, params string[] args)
    {
        var cryptsetup = ExternalTool.Require("cryptsetup");
        var path = System.IO.Path.Combine(directory, name);
        var keyFile = path + ".key";
        File.WriteAllText(keyFile, "correct horse battery staple " + name);
        using (var image = File.Create(path)) image.SetLength(size);
        var image2 = new LuksImage(cryptsetup, path, keyFile);
        image2.Run(["luksFormat", "-q", "--key-file", keyFile, .. args, path]);
        return image2;
    }

    /// <summary>Adds a key slot opened by a new key file, with its own PBKDF arguments.</summary>
    public void AddKey(params string[] args)
    {
        var newKey = Path + $".key{Guid.NewGuid():N}";
        File.WriteAllText(newKey, "another passphrase " + newKey);
        Run(["luksAddKey", "-q", "--key-file", KeyFile, .. args, Path, newKey]);
    }

    /// <summary>Imports a LUKS2 token from JSON text (<c>cryptsetup token import</c>).</summary>
    public void ImportToken(string json) => Run(["token", "import", Path], stdin: json);

    public string Dump() => Run(["luksDump", Path]);

    public string Run(IEnumerable<string> args, string? stdin = null)
    {
        var list = args.ToList();
        var (code, stdout, stderr) = ExternalTool.Run(_cryptsetup, list, stdin);
        if (code != 0) Assert.Fail($"cryptsetup {string.Join(' ', list)} failed ({code}): {stderr}");
        return stdout;
    }
}
