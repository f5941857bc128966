using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Transport;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard tpm info|quote</c>: read the TPM's identity and EK certificates; make and verify a quote.</summary>
internal static class TpmCommand
{
    /// <summary>Largest nonce accepted (TPM2B_DATA holds a TPMT_HA: at most a SHA-512 digest).</summary>
    private const int MaxNonceBytes = 64;

    public static Command Create() => new("tpm", "Talk to the TPM: identity, EK certificates, quotes")
    {
        Info(),
        Quote(),
    };

    private static Option<string> TpmOption() => new("--tpm")
    {
        Description = "Which TPM: auto, none, device:PATH or swtpm:HOST:PORT",
        DefaultValueFactory = _ => "auto",
    };

    private static Command Info()
    {
        var tpm = TpmOption();
        var ca = new Option<string?>("--ek-ca") { Description = "Directory of TPM manufacturer CA certificates to validate EK certificates against" };
        var command = new Command("info", "Print the TPM's family, manufacturer, firmware, PCR banks, persistent handles and EK certificates as JSON")
        {
            tpm, ca,
        };
        command.SetAction(parse => WithTpm(parse.GetValue(tpm)!, client =>
        {
            EkCertificateValidator? validator = null;
            if (parse.GetValue(ca) is { } dir)
            {
                if (!Directory.Exists(dir)) return Fail($"--ek-ca {dir}: no such directory");
                validator = new EkCertificateValidator(dir);
            }
            var info = client.ReadInfo();
            var certs = client.ReadEkCertificates().Select(c => Describe(c, validator)).ToList();
            var json = new TpmInfoJson(client.Transport.Description, info.Family, info.Revision, info.Manufacturer, info.VendorString,
                info.FirmwareVersion, info.PcrCount,
                info.PcrBanks.Where(b => b.Pcrs.Count > 0).ToDictionary(b => TpmHash.Describe(b.Hash), b => b.Pcrs),
                info.PersistentHandles.Select(Hex).ToList(), certs);
            Console.Out.WriteLine(JsonSerializer.Serialize(json, TpmJsonContext.Default.TpmInfoJson));
            return 0;
        }));
        return command;
    }

    private static Command Quote()
    {
        var tpm = TpmOption();
        var nonce = new Option<string>("--nonce") { Description = "Qualifying data chosen by the verifier, hex (1–64 bytes)", Required = true };
        var pcrs = new Option<string>("--pcrs") { Description = "PCRs to quote, e.g. sha256:0,1,2,3,4,5,6,7", Required = true };
        var key = new Option<string>("--key") { Description = "Attestation key type", DefaultValueFactory = _ => "rsa" };
        key.AcceptOnlyFromAmong("rsa", "ecc");
        var command = new Command("quote", "Create an attestation key, quote the PCRs for a nonce, verify the quote and print it as JSON")
        {
            tpm, nonce, pcrs, key,
        };
        command.SetAction(parse =>
        {
            byte[] nonceBytes;
            IReadOnlyList<TpmsPcrSelection> selection;
            try
            {
                nonceBytes = Convert.FromHexString(parse.GetValue(nonce)!);
                selection = PcrSelection.Parse(parse.GetValue(pcrs)!);
            }
            catch (FormatException e) { return Fail("invalid --nonce or --pcrs: " + e.Message); }
            if (nonceBytes.Length is 0 or > MaxNonceBytes) return Fail($"--nonce must be 1–{MaxNonceBytes} bytes, not {nonceBytes.Length}");
            var keyType = parse.GetValue(key)!;
            return WithTpm(parse.GetValue(tpm)!, client => RunQuote(client, nonceBytes, selection, keyType));
        });
        return command;
    }

    private static int RunQuote(TpmClient client, byte[] nonce, IReadOnlyList<TpmsPcrSelection> selection, string keyType)
    {
        var ak = client.CreatePrimary(TpmRh.Endorsement, keyType == "ecc" ? TpmTemplates.AkEcc() : TpmTemplates.AkRsa());
        QuoteResult quote;
        ReadPublicResult akPublic;
        try
        {
            quote = client.Quote(ak.Handle, nonce, selection);
            akPublic = client.ReadPublic(ak.Handle);
        }
        finally { client.FlushContext(ak.Handle); }
        var values = client.PcrRead(selection);
        var result = QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, nonce, selection, values, akPublic.QualifiedName);
        var spki = ak.Public.ExportSubjectPublicKeyInfo();
        var clock = result.Attest?.ClockInfo;
        var json = new TpmQuoteJson(client.Transport.Description, Convert.ToHexStringLower(nonce), PcrSelection.Format(selection), keyType,
            Convert.ToHexStringLower(ak.Name), Convert.ToBase64String(spki), PemEncoding.WriteString("PUBLIC KEY", spki),
            Convert.ToBase64String(quote.Attest), Convert.ToBase64String(quote.Signature.ToBytes()),
            $"{TpmHash.Describe(quote.Signature.SigAlg)}-{TpmHash.Describe(quote.Signature.Hash)}",
            TpmJsonContext.Pcrs(values), new ClockJson(clock?.Clock ?? 0, clock?.ResetCount ?? 0, clock?.RestartCount ?? 0, clock?.Safe ?? false),
            result.Verified, result.Problems);
        Console.Out.WriteLine(JsonSerializer.Serialize(json, TpmJsonContext.Default.TpmQuoteJson));
        return result.Verified ? 0 : 1;
    }

    private static EkCertificateJson Describe(EkCertificate ek, EkCertificateValidator? validator)
    {
        using var cert = X509CertificateLoader.LoadCertificate(ek.Der);
        var keyType = EkCertificateValidator.DescribeKey(cert);
        var validation = validator?.Validate(ek.Der);
        return new EkCertificateJson(Hex(ek.NvIndex), keyType, cert.Subject, cert.Issuer,
            cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), validation?.Trusted, validation?.Problems);
    }

    /// <summary>Opens the selected TPM, runs <paramref name="action"/>, and turns every TPM failure into exit code 2 with one line.</summary>
    private static int WithTpm(string selectorText, Func<TpmClient, int> action)
    {
        try
        {
            var selector = TpmSelector.Parse(selectorText);
            using var transport = selector.Open();
            if (transport is null)
                return Fail(selector.Kind == TpmSelectorKind.None ? "no TPM: --tpm none" : "no TPM found (looked for /dev/tpmrm0, /dev/tpm0 and TBS)");
            return action(new TpmClient(transport));
        }
        catch (Exception e) when (e is FormatException or TpmUnavailableException or TpmErrorException or TpmFormatException
                                       or CryptographicException or NotSupportedException)
        {
            return Fail(e.Message);
        }
    }

    private static string Hex(uint handle) => $"0x{handle:X8}";

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message.ReplaceLineEndings(" "));
        return 2;
    }
}
