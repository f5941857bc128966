using System.Buffers.Binary;
using System.Text;

namespace WeightGuard.Tpm.EventLog;

/// <summary>UEFI_VARIABLE_DATA: the event data of EFI variable events (the digest covers all of it).</summary>
/// <param name="VendorGuid">The variable's vendor GUID.</param>
/// <param name="Name">The variable's name (UTF-16 in the log).</param>
/// <param name="Data">The variable's value.</param>
public sealed record UefiVariableData(Guid VendorGuid, string Name, byte[] Data)
{
    /// <summary>EFI_GLOBAL_VARIABLE: SecureBoot, PK, KEK, Boot####.</summary>
    public static readonly Guid EfiGlobalVariable = new("8be4df61-93ca-11d2-aa0d-00e098032b8c");

    /// <summary>EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx.</summary>
    public static readonly Guid ImageSecurityDatabase = new("d719b2cb-3d3a-4596-a3bc-dad00e67656f");

    /// <summary>Parses UEFI_VARIABLE_DATA; null when the bytes are not one (the caller then shows no description).</summary>
    public static UefiVariableData? TryParse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 32) return null;
        var nameChars = BinaryPrimitives.ReadUInt64LittleEndian(data[16..]);
        var dataLength = BinaryPrimitives.ReadUInt64LittleEndian(data[24..]);
        var left = (ulong)(data.Length - 32);
        if (nameChars > left / 2 || dataLength > left - nameChars * 2) return null;
        var name = Encoding.Unicode.GetString(data.Slice(32, (int)nameChars * 2)).TrimEnd('\0');
        var value = data.Slice(32 + (int)nameChars * 2, (int)dataLength).ToArray();
        return new UefiVariableData(new Guid(data[..16]), name, value);
    }

    /// <summary>Counts the entries of EFI_SIGNATURE_LIST structures (PK, KEK, db, dbx); null when malformed.</summary>
    public int? SignatureCount()
    {
        var count = 0;
        var s = Data.AsSpan();
        while (s.Length > 0)
        {
            if (s.Length < 28) return null;
            var listSize = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
            var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
            var signatureSize = BinaryPrimitives.ReadUInt32LittleEndian(s[24..]);
            if (listSize > s.Length || listSize < 28 || signatureSize == 0 || headerSize > listSize - 28) return null;
            var body = listSize - 28 - headerSize;
            if (body % signatureSize != 0) return null;
            count += (int)(body / signatureSize);
            s = s[(int)listSize..];
        }
        return count;
    }
}

/// <summary>Short readable descriptions of EFI variable, action and boot-application events.</summary>
public static class TcgEventDescriber
{
    /// <summary>A one-line description, or null for event types that are not described.</summary>
    public static string? Describe(TcgEvent e)
    {
        switch (e.EventType)
        {
            case TcgEventType.EfiVariableDriverConfig or TcgEventType.EfiVariableBoot or TcgEventType.EfiVariableBoot2
                or TcgEventType.EfiVariableAuthority:
                var variable = UefiVariableData.TryParse(e.Data);
                if (variable is null) return "malformed UEFI_VARIABLE_DATA";
                var text = $"{variable.Name} ({variable.VendorGuid}), {variable.Data.Length} bytes";
                if (variable.Name is "SecureBoot" or "SetupMode" or "AuditMode" or "DeployedMode" && variable.Data.Length <= 1)
                    return $"{variable.Name} = {(variable.Data.Length == 1 ? variable.Data[0] : 0)}";
                if (variable.Name is "PK" or "KEK" or "db" or "dbx" && variable.SignatureCount() is { } n)
                    return $"{text}, {n} signatures";
                if (variable.Name == "BootOrder" && variable.Data.Length % 2 == 0)
                    return "BootOrder = " + string.Join(',', Enumerable.Range(0, variable.Data.Length / 2)
                        .Select(i => BinaryPrimitives.ReadUInt16LittleEndian(variable.Data.AsSpan(i * 2)).ToString("X4")));
                return text;
            case TcgEventType.EfiAction or TcgEventType.Action:
                return TcgEventLogParser.Printable(e.Data);
            case TcgEventType.EfiBootServicesApplication or TcgEventType.EfiBootServicesDriver or TcgEventType.EfiRuntimeServicesDriver:
                return DescribeImageLoad(e.Data);
            default:
                return null;
        }
    }

    /// <summary>UEFI_IMAGE_LOAD_EVENT: u64 location, u64 length, u64 link-time address, u64 device-path length, device path.</summary>
    private static string DescribeImageLoad(ReadOnlySpan<byte> data)
    {
        if (data.Length < 32) return "malformed UEFI_IMAGE_LOAD_EVENT";
        var length = BinaryPrimitives.ReadUInt64LittleEndian(data[8..]);
        var pathLength = BinaryPrimitives.ReadUInt64LittleEndian(data[24..]);
        if (pathLength > (ulong)(data.Length - 32)) return $"image of {length} bytes, malformed device path";
        var path = DevicePathFiles(data.Slice(32, (int)pathLength));
        return path.Length == 0 ? $"image of {length} bytes" : $"image of {length} bytes: {path}";
    }

    /// <summary>The file-path nodes (type 4, subtype 4) of an EFI device path, joined.</summary>
    private static string DevicePathFiles(ReadOnlySpan<byte> path)
    {
        var parts = new List<string>();
        while (path.Length >= 4)
        {
            var type = path[0];
            var subtype = path[1];
            var nodeLength = BinaryPrimitives.ReadUInt16LittleEndian(path[2..]);
            if (nodeLength < 4 || nodeLength > path.Length || type == 0x7F) break;
            if (type == 4 && subtype == 4)
                parts.Add(Encoding.Unicode.GetString(path.Slice(4, (nodeLength - 4) & ~1)).TrimEnd('\0'));
            path = path[nodeLength..];
        }
        var joined = string.Join("", parts);
        return new string(joined.Select(c => char.IsControl(c) ? '.' : c).ToArray());
    }
}
