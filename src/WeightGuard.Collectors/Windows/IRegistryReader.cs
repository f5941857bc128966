namespace WeightGuard.Collectors.Windows;

/// <summary>Reads values under <c>HKEY_LOCAL_MACHINE</c>; tests replace it.</summary>
public interface IRegistryReader
{
    /// <summary>The value <paramref name="name"/> of <c>HKLM\</c><paramref name="key"/>; null when the key or the value does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">The key may not be read.</exception>
    object? GetValue(string key, string name);

    /// <summary>The value names of <c>HKLM\</c><paramref name="key"/>; null when the key does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">The key may not be read.</exception>
    IReadOnlyList<string>? GetValueNames(string key);
}
