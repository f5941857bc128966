namespace WeightGuard.Tpm.Transport;

/// <summary>
/// A Linux TPM character device: <c>/dev/tpmrm0</c> (the kernel resource manager) or <c>/dev/tpm0</c>. The whole command
/// goes in one write and the whole response comes back in one read.
/// </summary>
public sealed class DeviceTransport : ITpmTransport
{
    private readonly FileStream _device;
    private readonly string _path;

    /// <summary>Opens the device for reading and writing.</summary>
    /// <exception cref="TpmUnavailableException">The device is absent or not accessible.</exception>
    public DeviceTransport(string path)
    {
        _path = path;
        try
        {
            _device = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TpmUnavailableException($"cannot open TPM device {path}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public string Description => $"device:{_path}";

    /// <inheritdoc />
    public byte[] Transceive(byte[] command)
    {
        var buffer = new byte[TpmResponseFrame.MaxResponseSize];
        int got;
        try
        {
            _device.Write(command);
            got = _device.Read(buffer);
        }
        catch (IOException e)
        {
            throw new TpmUnavailableException($"TPM device {_path} failed: {e.Message}", e);
        }
        var response = buffer.AsSpan(0, got);
        TpmResponseFrame.CheckComplete(response);
        return response.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _device.Dispose();
}
