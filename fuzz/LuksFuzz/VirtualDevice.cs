namespace WeightGuard.Fuzz.Luks;

/// <summary>
/// A read-only device of <see cref="Length"/> bytes whose start is the fuzz input and whose rest reads as zeros, so
/// that a small input stands for a whole disk (LUKS checks key-slot areas against the device size).
/// </summary>
public sealed class VirtualDevice(byte[] start, long length) : Stream
{
    private long _position;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length { get; } = Math.Max(length, start.Length);

    /// <inheritdoc />
    public override long Position { get => _position; set => _position = value; }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Clamp(Length - _position, 0, buffer.Length);
        buffer = buffer[..n];
        buffer.Clear();
        if (_position < start.Length) start.AsSpan((int)_position, (int)Math.Min(start.Length - _position, n)).CopyTo(buffer);
        _position += n;
        return n;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    /// <inheritdoc />
    public override void Flush() { }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
