using System.Buffers.Binary;

namespace WeightGuard.Tpm.Transport;

/// <summary>Checks the 10-byte response header (<c>u16 tag | u32 responseSize | u32 responseCode</c>) before any allocation.</summary>
public static class TpmResponseFrame
{
    /// <summary>Size of the response header.</summary>
    public const int HeaderSize = 10;

    /// <summary>Largest response accepted (PC Client TPMs report TPM_PT_MAX_RESPONSE_SIZE of 4096).</summary>
    public const int MaxResponseSize = 65536;

    /// <summary>Returns the responseSize the header announces after checking the tag and the bounds.</summary>
    /// <exception cref="TpmFormatException">Short header, unknown tag, or a size outside 10…<see cref="MaxResponseSize"/>.</exception>
    public static int AnnouncedSize(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize)
            throw new TpmFormatException($"offset {header.Length}: response truncated inside the {HeaderSize}-byte header");
        var tag = BinaryPrimitives.ReadUInt16BigEndian(header);
        if (tag is not (TpmSt.NoSessions or TpmSt.Sessions or TpmSt.RspCommand))
            throw new TpmFormatException($"offset 0: response tag 0x{tag:X4} is not TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS");
        var size = BinaryPrimitives.ReadUInt32BigEndian(header[2..]);
        if (size < HeaderSize || size > MaxResponseSize)
            throw new TpmFormatException($"offset 2: responseSize {size} is outside {HeaderSize}…{MaxResponseSize}");
        return (int)size;
    }

    /// <summary>Checks that a whole response is exactly as long as its header says.</summary>
    /// <exception cref="TpmFormatException">The response is truncated or has trailing bytes.</exception>
    public static void CheckComplete(ReadOnlySpan<byte> response)
    {
        var size = AnnouncedSize(response);
        if (response.Length < size)
            throw new TpmFormatException($"offset {response.Length}: response truncated: header announces {size} bytes");
        if (response.Length > size)
            throw new TpmFormatException($"offset {size}: {response.Length - size} bytes beyond the announced responseSize {size}");
    }
}
