using System.Buffers.Binary;
using System.Text;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests;

/// <summary>
/// A host file-system tree built at test time under a temporary directory: account files, weight files with real
/// headers, owners set with chown and ACLs set with setfacl on the real file system (numeric ids, so the tree's own
/// /etc/passwd names them).
/// </summary>
internal sealed class HostTree : IDisposable
{
    public HostTree()
    {
        Root = Directory.CreateTempSubdirectory("wg-tree-").FullName;
        System.IO.File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
    }

    public string Root { get; }

    public HostRoot HostRoot => new(Root);

    public string Local(string hostPath) => Path.Join(Root, hostPath);

    public HostTree Write(string hostPath, byte[] content, int mode = 0b110_100_000, int uid = 0, int gid = 0)
    {
        var path = Local(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return Own(hostPath, mode, uid, gid);
    }

    public HostTree Write(string hostPath, string text, int mode = 0b110_100_100, int uid = 0, int gid = 0) =>
        Write(hostPath, Encoding.UTF8.GetBytes(text), mode, uid, gid);

    /// <summary>Writes a text file with the given permission bits (or the default umask when none), owned by whoever runs the test.</summary>
    public HostTree File(string hostPath, string content, UnixFileMode? mode = null) =>
        Write(hostPath, content, mode is { } m ? (int)m : 0b110_100_100);

    /// <summary>Copies the files of a directory of this machine into the tree at a host path.</summary>
    public HostTree CopyDir(string from, string hostPath)
    {
        Directory.CreateDirectory(Local(hostPath));
        foreach (var f in Directory.GetFiles(from)) System.IO.File.Copy(f, Path.Combine(Local(hostPath), Path.GetFileName(f)), overwrite: true);
        return this;
    }

    public static UnixFileMode Octal(string mode) => (UnixFileMode)Convert.ToInt32(mode, 8);

    public HostTree Dir(string hostPath, int mode = 0b111_101_101, int uid = 0, int gid = 0)
    {
        Directory.CreateDirectory(Local(hostPath));
        return Own(hostPath, mode, uid, gid);
    }

    public HostTree Link(string hostPath, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Local(hostPath))!);
        System.IO.File.CreateSymbolicLink(Local(hostPath), target);
        return this;
    }

    /// <summary>Sets an ACL entry with the real setfacl (e.g. <c>u:1002:r</c>).</summary>
    public HostTree Acl(string hostPath, string entry)
    {
        var (code, _, err) = ExternalTool.Run(ExternalTool.Require("setfacl"), ["-m", entry, Local(hostPath)]);
        Assert.That(code, Is.Zero, err);
        return this;
    }

    private HostTree Own(string hostPath, int mode, int uid, int gid)
    {
        var path = Local(hostPath);
        if (uid != 0 || gid != 0)
        {
            RequireRoot();
            var (code, _, err) = ExternalTool.Run("chown", ["-h", $"{uid}:{gid}", path]);
            Assert.That(code, Is.Zero, err);
        }
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)mode);
        return this;
    }

    public static void RequireRoot()
    {
        if (Environment.UserName == "root") return;
        if (ExternalTool.InCi) Assert.Fail("these tests set file owners and must run as root in CI");
        Assert.Ignore("setting file owners needs root; run the tests as root");
    }

    /// <summary>A minimal valid safetensors file: u64 header length, JSON header, then tensor bytes.</summary>
    public static byte[] Safetensors()
    {
        var header = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"""u8.ToArray();
        var bytes = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>A GGUF v3 file header with no tensors.</summary>
    public static byte[] Gguf() => [.. "GGUF"u8, 3, 0, 0, 0, .. new byte[16]];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // leave it for the OS to clean; a failed cleanup must not fail the test
        }
    }
}
