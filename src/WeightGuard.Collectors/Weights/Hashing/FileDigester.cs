using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>SHA-256 of an open file, streamed through one large buffer (weights are many GB; nothing is held whole).</summary>
public sealed class FileDigester
{
    /// <summary>Bytes read per call: large enough that system-call overhead vanishes beside the hashing.</summary>
    public const int BufferBytes = 1 << 20;

    /// <summary>Bytes hashed between two calls of the checkpoint (so a long file still gives way to GPU work).</summary>
    public const long CheckpointBytes = 256L << 20;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferBytes);

    /// <summary>Hashes <paramref name="file"/> from its start to its end; calls <paramref name="checkpoint"/> every <see cref="CheckpointBytes"/>.</summary>
    /// <returns>The digest and the number of bytes read.</returns>
    /// <exception cref="IOException">A read failed.</exception>
    public (byte[] Sha256, long Bytes) Hash(SafeFileHandle file, Action checkpoint, CancellationToken cancellation)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = 0, nextCheckpoint = CheckpointBytes;
        int n;
        while ((n = RandomAccess.Read(file, _buffer, offset)) > 0)
        {
            sha.AppendData(_buffer, 0, n);
            offset += n;
            if (offset >= nextCheckpoint)
            {
                cancellation.ThrowIfCancellationRequested();
                checkpoint();
                nextCheckpoint = offset + CheckpointBytes;
            }
        }
        return (sha.GetHashAndReset(), offset);
    }
}
