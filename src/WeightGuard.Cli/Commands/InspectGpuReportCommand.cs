using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Cli.Json;
using WeightGuard.Core.Inputs;
using WeightGuard.Evidence.Gpu;

namespace WeightGuard.Cli.Commands;

/// <summary>
/// <c>weightguard inspect gpu-report REPORT --certs CHAIN.pem [--nonce HEX] [--rim FILE]… [--root PEM] [--crl FILE]</c>:
/// a GPU's SPDM measurement report (the bytes NVML returns, raw or hex) parsed and verified, as JSON. Exit 0 only when
/// verified; 1 when it parsed but does not verify; 2 when an input cannot be read or parsed.
/// </summary>
internal static class InspectGpuReportCommand
{
    public static Command Create()
    {
        var report = new Argument<string>("REPORT") { Description = "The attestation report: SPDM GET_MEASUREMENTS request followed by the response, raw bytes or hex" };
        var certs = new Option<string>("--certs") { Description = "The GPU's certificate chain, PEM, leaf first (as NVML returns it)", Required = true };
        var nonce = new Option<string?>("--nonce") { Description = "The 32-byte nonce (hex) the report must answer; without it freshness is not checked" };
        var rims = new Option<string[]>("--rim") { Description = "A reference integrity manifest (NVIDIA driver or VBIOS RIM, SWID XML); repeat for both", AllowMultipleArgumentsPerToken = false };
        var root = new Option<string?>("--root") { Description = "Trusted device identity root(s), PEM (default: NVIDIA's device identity root, built in)" };
        var crl = new Option<string?>("--crl") { Description = "A CRL signed by a certificate of the chain or the root; a revoked certificate fails the report" };
        var command = new Command("gpu-report", "Parse and verify a GPU's signed SPDM measurement report (NVIDIA Hopper/Blackwell confidential computing)")
        {
            report, certs, nonce, rims, root, crl,
        };
        command.SetAction(parse => Run(parse.GetValue(report)!, parse.GetValue(certs)!, parse.GetValue(nonce), parse.GetValue(rims) ?? [],
            parse.GetValue(root), parse.GetValue(crl)));
        return command;
    }

    private static int Run(string reportPath, string certsPath, string? nonceHex, string[] rimPaths, string? rootPath, string? crlPath)
    {
        SpdmMeasurementReport report;
        IReadOnlyList<X509Certificate2> chain, roots;
        byte[]? nonce = null;
        var references = new List<GpuReferenceManifest>();
        IReadOnlySet<string> revoked = new HashSet<string>();
        string step = reportPath;
        try
        {
            report = SpdmMeasurementReport.Parse(BoundedFile.ReadBytes(reportPath, InputKind.GpuReport));
            step = certsPath;
            chain = CertificateFile.LoadAll(certsPath);
            step = rootPath ?? "the built-in NVIDIA root";
            roots = rootPath is null ? [GpuTrustAnchors.NvidiaDeviceIdentityRoot()] : CertificateFile.LoadAll(rootPath);
            if (nonceHex is not null)
            {
                step = "--nonce";
                nonce = Convert.FromHexString(nonceHex);
                if (nonce.Length != 32) return Fail($"--nonce: {nonce.Length} bytes; an SPDM nonce is 32 bytes (64 hex digits)");
            }
            foreach (var path in rimPaths)
            {
                step = path;
                using var stream = new MemoryStream(BoundedFile.ReadBytes(path, InputKind.GpuReferenceManifest));
                references.Add(GpuReferenceManifest.Parse(stream));
            }
            if (crlPath is not null)
            {
                step = crlPath;
                revoked = GpuRevocationList.RevokedSerials(BoundedFile.ReadBytes(crlPath, InputKind.Certificate), [.. chain, .. roots]);
            }
        }
        catch (Exception e) when (e is GpuReportFormatException or IOException or UnauthorizedAccessException or InvalidDataException
            or CryptographicException or FormatException)
        {
            return Fail($"{step}: {e.Message}");
        }

        var check = GpuReportVerifier.Verify(report, chain, roots, nonce, references, revoked, DateTimeOffset.UtcNow);
        var json = new GpuReportJson(reportPath, $"{report.SpdmVersion >> 4}.{report.SpdmVersion & 0xF}", report.SignatureRequested,
            Convert.ToHexStringLower(report.RequesterNonce), report.SignatureRequested ? Convert.ToHexStringLower(report.ResponderNonce) : null, report.Slot,
            report.Measurements.Select(m => new GpuMeasurementJson(m.Index, m.ValueType, Convert.ToHexStringLower(m.Value))).ToList(),
            new GpuOpaqueJson(report.DriverVersion, report.VbiosVersion, report.Opaque.Select(f => new GpuOpaqueFieldJson(f.Type, Convert.ToHexStringLower(f.Value))).ToList()),
            chain.Count > 0 ? chain[0].Subject : null, check.SignatureValid, check.ChainValid, check.NonceMatches,
            references.Select(r => $"{r.Name} {r.Version}".Trim()).ToList(), false, check.MeasurementsChecked,
            check.Mismatches.Select(m => new GpuMismatchJson(m.Index, m.Name, m.Found)).ToList(), check.Verdict, check.Reason);
        Console.Out.WriteLine(JsonSerializer.Serialize(json, InspectGpuReportJsonContext.Default.GpuReportJson));
        return check.Verdict == GpuReportVerifier.Verified ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.BadInput;
    }
}
