namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>Stops reading past a byte limit, so a decompression bomb costs a bounded amount of work.</summary>
/// <param name="inner">The stream read (disposed with this one).</param>
/// <param name="limit">Most bytes that may be read.</param>
/// <param name="name">What is read, for the message.</param>
internal sealed class BoundedStream(Stream inner, long limit, string name) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        _read += n;
        if (_read > limit) throw new InvalidDataException($"{name}: more than {limit} bytes");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
