using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace WeightGuard.Tpm.Transport;

/// <summary>The Windows TPM Base Services (<c>tbs.dll</c>): the same raw command bytes through <c>Tbsip_Submit_Command</c>.</summary>
[SupportedOSPlatform("windows")]
public sealed partial class TbsTransport : ITpmTransport
{
    private const uint TbsSuccess = 0;
    private const uint TpmVersion20 = 2;
    private const uint IncludeTpm20 = 0x4;
    private const uint LocalityZero = 0;
    private const uint PriorityNormal = 200;

    private nint _context;

    /// <summary>Opens a TBS context for a TPM 2.0.</summary>
    /// <exception cref="TpmUnavailableException">TBS has no TPM 2.0 or refuses the context.</exception>
    public TbsTransport()
    {
        var parameters = new TbsContextParams2 { Version = TpmVersion20, Flags = IncludeTpm20 };
        var rc = Tbsi_Context_Create(ref parameters, out _context);
        if (rc != TbsSuccess) throw new TpmUnavailableException($"Tbsi_Context_Create failed: TBS error 0x{rc:X8}");
    }

    /// <inheritdoc />
    public string Description => "tbs";

    /// <inheritdoc />
    public byte[] Transceive(byte[] command)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        var buffer = new byte[TpmResponseFrame.MaxResponseSize];
        var length = (uint)buffer.Length;
        var rc = Tbsip_Submit_Command(_context, LocalityZero, PriorityNormal, command, (uint)command.Length, buffer, ref length);
        if (rc != TbsSuccess) throw new TpmUnavailableException($"Tbsip_Submit_Command failed: TBS error 0x{rc:X8}");
        if (length > buffer.Length) throw new TpmFormatException($"offset 0: TBS reported {length} response bytes for a {buffer.Length}-byte buffer");
        var response = buffer.AsSpan(0, (int)length);
        TpmResponseFrame.CheckComplete(response);
        return response.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_context == 0) return;
        _ = Tbsip_Context_Close(_context);
        _context = 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TbsContextParams2
    {
        public uint Version;
        public uint Flags;
    }

    [LibraryImport("tbs.dll")]
    private static partial uint Tbsi_Context_Create(ref TbsContextParams2 parameters, out nint context);

    [LibraryImport("tbs.dll")]
    private static partial uint Tbsip_Submit_Command(nint context, uint locality, uint priority, byte[] command,
        uint commandLength, [Out] byte[] response, ref uint responseLength);

    [LibraryImport("tbs.dll")]
    private static partial uint Tbsip_Context_Close(nint context);
}
