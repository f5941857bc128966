using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard manifest create|verify</c>: signed lists of the SHA-256 of approved weight files.</summary>
internal static class ManifestCommand
{
    public static Command Create() => new("manifest", "Sign the digests of approved weight files, and check such a signed manifest") { CreateManifest(), Verify() };

    private static Command CreateManifest()
    {
        var paths = new Argument<string[]>("PATH") { Description = "A directory of approved weights (repeat for several; none inside another)", Arity = ArgumentArity.OneOrMore };
        var sign = new Option<string>("--sign") { Description = "The signer's unencrypted PEM private key (PKCS#8, RSA or EC); may also hold its certificate", HelpName = "KEY", Required = true };
        var cert = new Option<string?>("--cert") { Description = "The signer's certificate (PEM or DER; PEM may add intermediates to embed); default: the one in KEY", HelpName = "CERT" };
        var output = new Option<string>("--out") { Description = "Where to write the signed manifest (DER CMS SignedData enveloping the JSON)", HelpName = "FILE", Required = true };
        var command = new Command("create",
            "Hash every weight file under each PATH (found as the scan finds them) and write their relative paths, sizes and SHA-256, " +
            "signed, to FILE. Exit 0: written; 2: a path, the key or the certificate cannot be used (one line).")
        {
            paths, sign, cert, output,
        };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            try
            {
                using var key = ManifestSigningKey.Load(parse.GetValue(sign)!, parse.GetValue(cert));
                var manifest = WeightManifestBuilder.Build(parse.GetValue(paths)!.Select(Path.GetFullPath).ToList(), DateTimeOffset.UtcNow);
                var signed = SignedWeightManifest.Sign(manifest, key.Certificate, key.Chain);
                var temporary = outPath + ".tmp";
                File.WriteAllBytes(temporary, signed);
                File.Move(temporary, outPath, overwrite: true);
                Console.Out.WriteLine(Printable($"{outPath}: {manifest.Directories.Sum(d => d.Files.Count)} weight file(s) in {manifest.Directories.Count} directory(ies), signed by {key.Certificate.Subject}"));
                return ExitCodes.Ok;
            }
            catch (InvalidDataException e) { return Refuse(e.Message); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Refuse($"{outPath}: {e.Message}"); }
        });
        return command;
    }

    private static Command Verify()
    {
        var file = new Argument<string>("FILE") { Description = "A signed weight manifest (weightguard manifest create)" };
        var trust = new Option<string[]>("--trust") { Description = "A trusted signer's certificate, or a CA it chains to (PEM or DER; repeat for several)", HelpName = "CERT", Required = true };
        var command = new Command("verify",
            "Check a signed weight manifest: its signature, and that its signer is a --trust certificate or chains to one now. " +
            "Exit 0: trusted; 1: the signature or signer does not verify; 2: a file cannot be read or is not a signed manifest (one line).")
        {
            file, trust,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var anchors = new List<X509Certificate2>();
            try
            {
                foreach (var t in parse.GetValue(trust)!) anchors.Add(CertificateFile.Load(t));
                var reading = ManifestFileReading.Read(path, anchors, DateTimeOffset.UtcNow);
                Print(path, reading);
                return reading.Opened.Trusted ? ExitCodes.Ok : ExitCodes.Failed;
            }
            catch (InvalidDataException e) { return Refuse(e.Message); }
            finally
            {
                foreach (var a in anchors) a.Dispose();
            }
        });
        return command;
    }

    private static void Print(string path, ManifestFileReading reading)
    {
        var (opened, o) = (reading.Opened, new StringWriter());
        o.WriteLine($"Manifest   {path} (SHA-256 {reading.Sha256})");
        if (opened.Signer is not null) o.WriteLine($"Signer     {opened.Signer}\n           SHA-256 fingerprint {opened.SignerSha256}");
        if (opened.Manifest is { } m)
        {
            o.WriteLine($"Created    {m.CreatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
            foreach (var d in m.Directories) o.WriteLine($"Directory  {d.Path}: {d.Files.Count} weight file(s), {d.Files.Sum(f => f.Size)} bytes");
        }
        o.WriteLine(opened.Trusted ? "VERIFIED   signature and signer hold" : $"NOT TRUSTED {opened.Problem}");
        // subjects and paths come from the manifest: never let them drive the terminal
        Console.Out.Write(Printable(o.ToString()));
    }

    private static string Printable(string text) => new(text.Select(ch => char.IsControl(ch) && ch != '\n' ? '?' : ch).ToArray());

    private static int Refuse(string message)
    {
        Console.Error.WriteLine(Printable(message.ReplaceLineEndings(" ")));
        return ExitCodes.BadInput;
    }
}
