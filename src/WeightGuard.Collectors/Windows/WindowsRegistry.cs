using System.Runtime.Versioning;
using System.Security;
using Microsoft.Win32;

namespace WeightGuard.Collectors.Windows;

/// <summary><see cref="IRegistryReader"/> over the local registry's 64-bit view, read-only.</summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsRegistry : IRegistryReader
{
    /// <inheritdoc />
    public object? GetValue(string key, string name) => Open<object>(key, k => k.GetValue(name));

    /// <inheritdoc />
    public IReadOnlyList<string>? GetValueNames(string key) => Open(key, k => k.GetValueNames());

    private static T? Open<T>(string key, Func<RegistryKey, T?> read) where T : class
    {
        try
        {
            using var hklm = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);
            using var subKey = hklm.OpenSubKey(key, writable: false);
            return subKey is null ? null : read(subKey);
        }
        catch (SecurityException e)
        {
            throw new UnauthorizedAccessException($@"HKLM\{key}: {e.Message}", e);
        }
    }
}
