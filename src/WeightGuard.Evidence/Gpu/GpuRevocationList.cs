using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence.Gpu;

/// <summary>
/// The serial numbers an X.509 CRL (RFC 5280 §5.1) revokes, accepted only when its ECDSA signature verifies under one
/// of the given issuers (NVIDIA's device CAs sign with ECDSA P-384). Nothing of an unverified CRL is used.
/// </summary>
public static class GpuRevocationList
{
    /// <summary>The most bytes a CRL may have.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>The revoked serial numbers (hex, upper case, as <see cref="X509Certificate2.SerialNumber"/> writes them).</summary>
    /// <param name="der">The CRL, DER (PEM is accepted too).</param>
    /// <param name="issuers">Certificates the CRL may be signed by (the chain and the roots).</param>
    /// <exception cref="GpuReportFormatException">Not a CRL, or its signature verifies under none of <paramref name="issuers"/>.</exception>
    public static IReadOnlySet<string> RevokedSerials(byte[] der, IEnumerable<X509Certificate2> issuers)
    {
        if (der.Length > MaxBytes) throw new GpuReportFormatException($"CRL of {der.Length} bytes exceeds the {MaxBytes}-byte limit");
        if (der.AsSpan().StartsWith("-----BEGIN"u8))
        {
            var pem = System.Text.Encoding.ASCII.GetString(der);
            if (!PemEncoding.TryFind(pem, out var fields)) throw new GpuReportFormatException("CRL: PEM without a body");
            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        try
        {
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbsBytes = list.PeekEncodedValue().ToArray();
            var tbs = list.ReadSequence();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);

            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger();
            tbs.ReadSequence();
            var issuer = tbs.ReadEncodedValue().ToArray();
            ReadTime(tbs);
            if (tbs.HasData && IsTime(tbs.PeekTag())) ReadTime(tbs); // nextUpdate
            var serials = new HashSet<string>(StringComparer.Ordinal);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var revoked = tbs.ReadSequence();
                while (revoked.HasData)
                {
                    var entry = revoked.ReadSequence();
                    serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                }
            }

            var hash = algorithm switch
            {
                "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
                "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
                "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
                _ => throw new GpuReportFormatException($"CRL: signature algorithm {algorithm} is not ECDSA with SHA-2"),
            };
            foreach (var candidate in issuers)
            {
                if (!candidate.SubjectName.RawData.AsSpan().SequenceEqual(issuer)) continue;
                using var key = candidate.GetECDsaPublicKey();
                if (key is not null && key.VerifyData(tbsBytes, signature, hash, DSASignatureFormat.Rfc3279DerSequence)) return serials;
            }
            throw new GpuReportFormatException("CRL: its signature verifies under none of the given certificates");
        }
        catch (AsnContentException e) { throw new GpuReportFormatException($"CRL: not DER: {e.Message}"); }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static void ReadTime(AsnReader reader)
    {
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)) reader.ReadUtcTime();
        else reader.ReadGeneralizedTime();
    }
}
