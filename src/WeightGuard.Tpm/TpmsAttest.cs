using WeightGuard.Tpm.Marshalling;

namespace WeightGuard.Tpm;

/// <summary>TPMS_CLOCK_INFO: the TPM clock and its boot counters (compare across quotes to spot reboots).</summary>
/// <param name="Clock">Milliseconds the TPM has been powered.</param>
/// <param name="ResetCount">TPM resets (reboots) so far.</param>
/// <param name="RestartCount">Restarts (resume from hibernation) since the last reset.</param>
/// <param name="Safe">Whether the clock value is known not to have gone backwards.</param>
public sealed record TpmsClockInfo(ulong Clock, uint ResetCount, uint RestartCount, bool Safe);

/// <summary>TPMS_ATTEST (part 2 §10.12.12) of type TPM_ST_ATTEST_QUOTE, parsed from the bytes the TPM signed.</summary>
/// <param name="QualifiedSigner">Qualified Name of the signing key.</param>
/// <param name="ExtraData">The qualifying data the verifier supplied (the nonce).</param>
/// <param name="ClockInfo">Clock and boot counters.</param>
/// <param name="FirmwareVersion">TPM firmware version.</param>
/// <param name="PcrSelect">The PCRs the quote covers (TPMS_QUOTE_INFO.pcrSelect).</param>
/// <param name="PcrDigest">Digest of those PCR values (TPMS_QUOTE_INFO.pcrDigest).</param>
public sealed record TpmsAttest(byte[] QualifiedSigner, byte[] ExtraData, TpmsClockInfo ClockInfo, ulong FirmwareVersion,
    IReadOnlyList<TpmsPcrSelection> PcrSelect, byte[] PcrDigest)
{
    /// <summary>TPM_GENERATED_VALUE: the magic that only the TPM puts at the start of structures it signs.</summary>
    public const uint TpmGeneratedValue = 0xFF544347;

    /// <summary>Parses a quote's attestation bytes (the contents of TPM2B_ATTEST).</summary>
    /// <exception cref="TpmFormatException">Wrong magic, not a quote, malformed, truncated or trailing bytes.</exception>
    public static TpmsAttest Parse(byte[] attest)
    {
        var r = new TpmReader(attest);
        var magic = r.U32("TPMS_ATTEST.magic");
        if (magic != TpmGeneratedValue)
            throw new TpmFormatException($"offset 0: magic 0x{magic:X8} is not TPM_GENERATED_VALUE 0x{TpmGeneratedValue:X8}");
        var type = r.U16("TPMS_ATTEST.type");
        if (type != TpmSt.AttestQuote)
            throw new TpmFormatException($"offset 4: type 0x{type:X4} is not TPM_ST_ATTEST_QUOTE 0x{TpmSt.AttestQuote:X4}");
        var signer = r.Sized("TPMS_ATTEST.qualifiedSigner", 2 + 64);
        var extra = r.Sized("TPMS_ATTEST.extraData", 64);
        var clock = new TpmsClockInfo(r.U64("TPMS_CLOCK_INFO.clock"), r.U32("TPMS_CLOCK_INFO.resetCount"),
            r.U32("TPMS_CLOCK_INFO.restartCount"), r.U8("TPMS_CLOCK_INFO.safe") != 0);
        var firmware = r.U64("TPMS_ATTEST.firmwareVersion");
        var select = PcrSelection.Read(r, "TPMS_QUOTE_INFO.pcrSelect");
        var digest = r.Sized("TPMS_QUOTE_INFO.pcrDigest", 64);
        r.ExpectEnd("TPMS_ATTEST");
        return new TpmsAttest(signer, extra, clock, firmware, select, digest);
    }
}
