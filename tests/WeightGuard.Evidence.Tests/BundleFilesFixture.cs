namespace WeightGuard.Evidence.Tests;

/// <summary>A fresh directory per test for bundles and certificates handed to the real <c>weightguard</c> process.</summary>
public abstract class BundleFilesFixture
{
    private string _dir = null!;

    /// <summary>The test's directory.</summary>
    protected string Dir => _dir;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("weightguard-bundle-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/> in the directory; returns its path.</summary>
    protected string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The aggregator CA's certificate as PEM, written to the directory.</summary>
    protected string CaPem() => Write("ca.pem", System.Text.Encoding.ASCII.GetBytes(TestPki.Aggregator.Ca.ExportCertificatePem()));
}
