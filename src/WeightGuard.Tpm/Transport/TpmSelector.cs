using System.Globalization;

namespace WeightGuard.Tpm.Transport;

/// <summary>How the TPM is chosen.</summary>
public enum TpmSelectorKind
{
    /// <summary>/dev/tpmrm0, then /dev/tpm0, then TBS on Windows, else none.</summary>
    Auto,
    /// <summary>Do not use a TPM.</summary>
    None,
    /// <summary>A named character device.</summary>
    Device,
    /// <summary>swtpm's TCP server port.</summary>
    Swtpm,
}

/// <summary>The <c>--tpm</c> selector: <c>auto|none|device:PATH|swtpm:HOST:PORT</c>.</summary>
/// <param name="Kind">Which kind of TPM.</param>
/// <param name="Path">Device path for <see cref="TpmSelectorKind.Device"/>.</param>
/// <param name="Host">Simulator host for <see cref="TpmSelectorKind.Swtpm"/>.</param>
/// <param name="Port">Simulator command port for <see cref="TpmSelectorKind.Swtpm"/>.</param>
public sealed record TpmSelector(TpmSelectorKind Kind, string? Path = null, string? Host = null, int Port = 0)
{
    /// <summary>The kernel resource-manager device.</summary>
    public const string ResourceManagerDevice = "/dev/tpmrm0";

    /// <summary>The raw (exclusive) device.</summary>
    public const string RawDevice = "/dev/tpm0";

    /// <summary>Parses a selector.</summary>
    /// <exception cref="FormatException">The text is none of the accepted forms; the message shows them.</exception>
    public static TpmSelector Parse(string text)
    {
        if (text == "auto") return new TpmSelector(TpmSelectorKind.Auto);
        if (text == "none") return new TpmSelector(TpmSelectorKind.None);
        if (text.StartsWith("device:", StringComparison.Ordinal) && text.Length > "device:".Length)
            return new TpmSelector(TpmSelectorKind.Device, Path: text["device:".Length..]);
        if (text.StartsWith("swtpm:", StringComparison.Ordinal))
        {
            var rest = text["swtpm:".Length..];
            var colon = rest.LastIndexOf(':');
            if (colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
                port is > 0 and < 65535)
                return new TpmSelector(TpmSelectorKind.Swtpm, Host: rest[..colon], Port: port);
        }
        throw new FormatException($"'{text}' is not a TPM selector: use auto, none, device:PATH or swtpm:HOST:PORT");
    }

    /// <summary>Opens the selected TPM, or returns null for <c>none</c> and for <c>auto</c> when no TPM is present.</summary>
    /// <exception cref="TpmUnavailableException">An explicitly named TPM cannot be opened.</exception>
    public ITpmTransport? Open() => Kind switch
    {
        TpmSelectorKind.None => null,
        TpmSelectorKind.Device => new DeviceTransport(Path!),
        TpmSelectorKind.Swtpm => new SwtpmTcpTransport(Host!, Port),
        _ => OpenAuto(),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TpmSelectorKind.Device => $"device:{Path}",
        TpmSelectorKind.Swtpm => $"swtpm:{Host}:{Port}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    private static ITpmTransport? OpenAuto()
    {
        foreach (var device in new[] { ResourceManagerDevice, RawDevice })
            if (File.Exists(device)) return new DeviceTransport(device);
        return OperatingSystem.IsWindows() ? new TbsTransport() : null;
    }
}
