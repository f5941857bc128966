using System.Buffers.Binary;

namespace WeightGuard.Collectors.Weights;

/// <summary>What the name and first bytes of a file say about it.</summary>
/// <param name="Format">The weight format, or null when it is not a weight file.</param>
/// <param name="Mismatch">Set when the name claims a weight format the content does not have.</param>
public readonly record struct WeightDetection(string? Format, string? Mismatch)
{
    /// <summary>Not a weight file and no claim to be one.</summary>
    public static WeightDetection None => default;
}

/// <summary>
/// Recognises weight files by extension AND magic bytes, so a renamed text file is not counted as weights and a
/// garbage file named <c>.safetensors</c> is reported as a mismatch. Reads at most <see cref="HeadBytes"/> bytes.
/// </summary>
public static class WeightFormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs (HDF5 superblocks may sit at offset 512).</summary>
    public const int HeadBytes = 520;

    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();
    private static readonly byte[] Hdf5 = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Npy = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Whether a file name could name weights; only such files are opened.</summary>
    public static bool IsCandidate(string fileName) => ExpectedFormat(fileName) is not null;

    /// <summary>Judges a file from its name, size and leading bytes.</summary>
    public static WeightDetection Detect(string fileName, long size, ReadOnlySpan<byte> head)
    {
        if (ExpectedFormat(fileName) is not { } expected) return WeightDetection.None;
        var format = expected switch
        {
            "safetensors" => IsSafetensors(head, size) ? "safetensors" : null,
            "gguf" => head.StartsWith("GGUF"u8) ? "gguf" : null,
            "pytorch" => head.StartsWith(Zip) ? "pytorch-zip" : IsPickle(head) ? "pytorch-pickle" : null,
            "onnx" => head.Length >= 2 && head[0] == 0x08 && head[1] is > 0 and < 64 ? "onnx" : null,
            "hdf5" => head.StartsWith(Hdf5) || (head.Length >= 520 && head[512..].StartsWith(Hdf5)) ? "hdf5" : null,
            "keras" => head.StartsWith(Zip) ? "keras" : head.StartsWith(Hdf5) ? "hdf5" : null,
            "numpy" => head.StartsWith(Zip) || head.StartsWith(Npy) ? "numpy" : null,
            "tf-savedmodel" => head.Length >= 2 && head[0] == 0x08 ? "tf-savedmodel" : null,
            "tf-variables" => "tf-variables", // shards have no magic; the walker checks the sibling index file's magic
            _ => null,
        };
        return format is null
            ? new WeightDetection(null, $"named like {expected} weights but the content is not in that format")
            : new WeightDetection(format, null);
    }

    /// <summary>The format a file name promises, or null.</summary>
    public static string? ExpectedFormat(string fileName)
    {
        if (fileName == "saved_model.pb") return "tf-savedmodel";
        if (fileName.StartsWith("variables.data-", StringComparison.Ordinal)) return "tf-variables";
        // Called for every file of a walk: lower-case the extension on the stack, not in a new string.
        var extension = Path.GetExtension(fileName.AsSpan());
        if (extension.Length is < 3 or > 12) return null;
        Span<char> ext = stackalloc char[extension.Length];
        extension.ToLowerInvariant(ext);
        return ext switch
        {
            ".safetensors" => "safetensors",
            ".gguf" => "gguf",
            ".pt" or ".pth" or ".bin" or ".ckpt" => "pytorch",
            ".onnx" => "onnx",
            ".h5" or ".hdf5" => "hdf5",
            ".keras" => "keras",
            ".npz" or ".npy" => "numpy",
            _ => null,
        };
    }

    /// <summary>TensorFlow's table files (variables.index) end with this magic number.</summary>
    public const ulong TensorFlowTableMagic = 0xdb4775248b80fb57UL;

    /// <summary>safetensors: u64 little-endian JSON header length that fits the file, then <c>{</c>.</summary>
    private static bool IsSafetensors(ReadOnlySpan<byte> head, long size)
    {
        if (head.Length < 9) return false;
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return headerLength >= 2 && headerLength <= 100_000_000 && (long)headerLength <= size - 8 && head[8] == (byte)'{';
    }

    /// <summary>A pickle stream with protocol 2–5 (torch.save before the zip format, and many .bin files).</summary>
    private static bool IsPickle(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5;
}
