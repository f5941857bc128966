using System.Buffers.Binary;
using System.Text;

namespace WeightGuard.Evidence.Gpu;

/// <summary>One measurement block of an SPDM <c>MEASUREMENTS</c> response (DMTF measurement specification).</summary>
/// <param name="Index">The block's index (1-based in NVIDIA's reports; a reference manifest's index is one less).</param>
/// <param name="ValueType">DMTFSpecMeasurementValueType (bit 7: the value is a raw bit stream, not a digest).</param>
/// <param name="Value">The measurement value (for NVIDIA GPUs a SHA-384 digest).</param>
public sealed record SpdmMeasurementBlock(int Index, int ValueType, byte[] Value);

/// <summary>One field of NVIDIA's opaque data: a type, and its bytes.</summary>
public sealed record SpdmOpaqueField(int Type, byte[] Value);

/// <summary>
/// What a GPU signs about itself: the SPDM 1.1 <c>GET_MEASUREMENTS</c> request the driver sent (with the requester's
/// nonce) followed by the GPU's <c>MEASUREMENTS</c> response (the measurement blocks, the responder's nonce, NVIDIA's
/// opaque data and the signature) — the bytes NVML's <c>nvmlDeviceGetConfComputeGpuAttestationReport</c> returns. The
/// signature covers the request and the response up to the signature, so the requester's nonce is bound to the report.
/// Layout per DMTF DSP0274 1.1 §10.11 (GET_MEASUREMENTS request and MEASUREMENTS response); every length is checked
/// against the bytes there are before it is used.
/// </summary>
public sealed class SpdmMeasurementReport
{
    /// <summary>Length of a GET_MEASUREMENTS request that asks for a signature: header, 32-byte nonce, slot.</summary>
    public const int SignedRequestLength = 37;

    /// <summary>The most bytes a report may have (the record length field allows 16 MiB; real reports are about 4 KiB).</summary>
    public const int MaxReportBytes = 64 * 1024;

    /// <summary>The SPDM request code of GET_MEASUREMENTS.</summary>
    public const byte GetMeasurementsCode = 0xE0;

    /// <summary>The SPDM response code of MEASUREMENTS.</summary>
    public const byte MeasurementsCode = 0x60;

    /// <summary>NVIDIA opaque-data field: driver version (ASCII, NUL-terminated).</summary>
    public const int OpaqueDriverVersion = 3;

    /// <summary>NVIDIA opaque-data field: VBIOS version (little-endian bytes).</summary>
    public const int OpaqueVbiosVersion = 6;

    private const int NonceLength = 32;
    private const int DmtfMeasurementSpecification = 0x01;

    private SpdmMeasurementReport(byte[] bytes, int spdmVersion, bool signatureRequested, byte[] requesterNonce, int slot,
        IReadOnlyList<SpdmMeasurementBlock> blocks, byte[] responderNonce, IReadOnlyList<SpdmOpaqueField> opaque, int signatureOffset)
    {
        Bytes = bytes;
        SpdmVersion = spdmVersion;
        SignatureRequested = signatureRequested;
        RequesterNonce = requesterNonce;
        Slot = slot;
        Measurements = blocks;
        ResponderNonce = responderNonce;
        Opaque = opaque;
        SignatureOffset = signatureOffset;
    }

    /// <summary>The report as received.</summary>
    public byte[] Bytes { get; }

    /// <summary>SPDM version byte (0x11 for 1.1).</summary>
    public int SpdmVersion { get; }

    /// <summary>Whether the request asked for a signature (Param1 bit 0); an unsigned report proves nothing.</summary>
    public bool SignatureRequested { get; }

    /// <summary>The requester's nonce, which binds the report to the verifier's challenge.</summary>
    public byte[] RequesterNonce { get; }

    /// <summary>The certificate slot the GPU signs with.</summary>
    public int Slot { get; }

    /// <summary>The measurement blocks, in report order.</summary>
    public IReadOnlyList<SpdmMeasurementBlock> Measurements { get; }

    /// <summary>The GPU's own nonce.</summary>
    public byte[] ResponderNonce { get; }

    /// <summary>NVIDIA's opaque data fields, in report order.</summary>
    public IReadOnlyList<SpdmOpaqueField> Opaque { get; }

    /// <summary>Where the signature starts: everything before it is what is signed.</summary>
    public int SignatureOffset { get; }

    /// <summary>The bytes the signature covers: the request and the response up to the signature.</summary>
    public ReadOnlySpan<byte> SignedBytes => Bytes.AsSpan(0, SignatureOffset);

    /// <summary>The signature (raw r‖s; 96 bytes for ECDSA P-384).</summary>
    public ReadOnlySpan<byte> Signature => Bytes.AsSpan(SignatureOffset);

    /// <summary>The driver version the GPU reports, if present.</summary>
    public string? DriverVersion => Field(OpaqueDriverVersion) is { } v ? Encoding.ASCII.GetString(v.AsSpan().TrimEnd((byte)0)) : null;

    /// <summary>The VBIOS version as NVIDIA writes it (<c>96.00.5E.00.02</c>), if present.</summary>
    public string? VbiosVersion => Field(OpaqueVbiosVersion) is { Length: >= 2 and <= 32 } v ? FormatVbios(v) : null;

    /// <summary>The value of the first opaque field of <paramref name="type"/>, or null.</summary>
    public byte[]? Field(int type) => Opaque.FirstOrDefault(f => f.Type == type)?.Value;

    /// <summary>Parses a report: raw bytes, or the same as hexadecimal text (as NVIDIA's samples and tools write it).</summary>
    /// <exception cref="GpuReportFormatException">The bytes are not a GET_MEASUREMENTS request and MEASUREMENTS response.</exception>
    public static SpdmMeasurementReport Parse(ReadOnlySpan<byte> input)
    {
        var bytes = HexOrRaw(input);
        if (bytes.Length > MaxReportBytes) throw Malformed(0, $"report of {bytes.Length} bytes exceeds the {MaxReportBytes}-byte limit");
        var r = new Reader(bytes);

        var version = r.Byte("request SPDMVersion");
        if (version < 0x10) throw Malformed(0, $"request SPDMVersion 0x{version:x2} is not an SPDM version");
        var code = r.Byte("request code");
        if (code != GetMeasurementsCode) throw Malformed(1, $"request code 0x{code:x2} is not GET_MEASUREMENTS (0xe0)");
        var signatureRequested = (r.Byte("request Param1") & 1) != 0;
        r.Byte("request Param2");
        if (!signatureRequested)
            // Without a signature the request has no nonce and the response no signature: nothing binds or proves it.
            return new SpdmMeasurementReport(bytes, version, false, [], 0, [], [], [], bytes.Length);
        var requesterNonce = r.Bytes(NonceLength, "request nonce").ToArray();
        var slot = r.Byte("request SlotIDParam") & 0x0F;

        var responseVersion = r.Byte("response SPDMVersion");
        if (responseVersion != version) throw Malformed(r.Offset - 1, $"response SPDMVersion 0x{responseVersion:x2} differs from the request's 0x{version:x2}");
        var responseCode = r.Byte("response code");
        if (responseCode != MeasurementsCode)
            throw Malformed(r.Offset - 1, responseCode == 0x7F ? "the GPU answered with an SPDM ERROR response" : $"response code 0x{responseCode:x2} is not MEASUREMENTS (0x60)");
        r.Byte("response Param1");
        r.Byte("response Param2");
        var count = r.Byte("NumberOfBlocks");
        var recordLength = r.UInt24("MeasurementRecordLength");
        var recordStart = r.Offset;
        var record = new Reader(r.Bytes(recordLength, "MeasurementRecord"), recordStart);
        var blocks = new List<SpdmMeasurementBlock>(count);
        var seen = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var at = record.Offset;
            var index = record.Byte("measurement block index");
            if (!seen.Add(index)) throw Malformed(at, $"measurement block index {index} appears twice");
            var spec = record.Byte("MeasurementSpecification");
            if (spec != DmtfMeasurementSpecification) throw Malformed(at + 1, $"measurement block {index}: specification 0x{spec:x2} is not DMTF (0x01)");
            var size = record.UInt16("MeasurementSize");
            var block = new Reader(record.Bytes(size, $"measurement block {index}"), record.Offset - size);
            var type = block.Byte("DMTFSpecMeasurementValueType");
            var valueSize = block.UInt16("DMTFSpecMeasurementValueSize");
            if (valueSize != size - 3) throw Malformed(at + 4, $"measurement block {index}: value size {valueSize} does not fill the block of {size} bytes");
            blocks.Add(new SpdmMeasurementBlock(index, type, block.Bytes(valueSize, "DMTFSpecMeasurementValue").ToArray()));
        }
        if (record.Remaining != 0) throw Malformed(record.Offset, $"{record.Remaining} bytes after {count} measurement blocks in the record");

        var responderNonce = r.Bytes(NonceLength, "response nonce").ToArray();
        var opaqueLength = r.UInt16("OpaqueLength");
        var opaqueStart = r.Offset;
        var opaqueReader = new Reader(r.Bytes(opaqueLength, "OpaqueData"), opaqueStart);
        var opaque = new List<SpdmOpaqueField>();
        while (opaqueReader.Remaining > 0)
        {
            var type = opaqueReader.UInt16("opaque field type");
            var size = opaqueReader.UInt16("opaque field size");
            opaque.Add(new SpdmOpaqueField(type, opaqueReader.Bytes(size, $"opaque field {type}").ToArray()));
        }
        var signatureOffset = r.Offset;
        if (r.Remaining is not (64 or 96 or 132))
            throw Malformed(signatureOffset, $"{r.Remaining} bytes remain for the signature; an ECDSA P-256, P-384 or P-521 signature is 64, 96 or 132");
        return new SpdmMeasurementReport(bytes, version, true, requesterNonce, slot, blocks, responderNonce, opaque, signatureOffset);
    }

    /// <summary>NVIDIA's VBIOS version form: the bytes read little-endian, shown as five dotted pairs.</summary>
    private static string FormatVbios(byte[] value)
    {
        var hex = Convert.ToHexString(value.Reverse().ToArray());
        var half = hex.Length / 2;
        var digits = hex[half..] + hex[(half - 2)..half];
        return string.Join('.', Enumerable.Range(0, digits.Length / 2).Select(i => digits.Substring(2 * i, 2)));
    }

    private static byte[] HexOrRaw(ReadOnlySpan<byte> input)
    {
        var text = input.Trim(" \t\r\n"u8);
        if (text.Length == 0) throw Malformed(0, "the report is empty");
        foreach (var b in text)
            if (!char.IsAsciiHexDigit((char)b)) return input.ToArray();
        if (text.Length % 2 != 0) throw Malformed(0, "hexadecimal report has an odd number of digits");
        return Convert.FromHexString(Encoding.ASCII.GetString(text));
    }

    private static GpuReportFormatException Malformed(int offset, string message) => new($"offset {offset}: {message}");

    /// <summary>A cursor over a span that never reads past its end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> span, int origin = 0)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _position;

        public readonly int Offset => origin + _position;
        public readonly int Remaining => _span.Length - _position;

        public ReadOnlySpan<byte> Bytes(int count, string field)
        {
            if (count > Remaining) throw Malformed(Offset, $"{field}: {count} bytes needed, {Remaining} remain");
            var slice = _span.Slice(_position, count);
            _position += count;
            return slice;
        }

        public int Byte(string field) => Bytes(1, field)[0];
        public int UInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, field));
        public int UInt24(string field) { var b = Bytes(3, field); return b[0] | b[1] << 8 | b[2] << 16; }
    }
}
