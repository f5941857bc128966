using Moq;
using WeightGuard.Collectors.Windows;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>
/// CIM and registry stand-ins fed with the values Windows returns (types as MI and Microsoft.Win32 give them: uint16 and
/// uint32 properties, arrays, DWORDs as int), since neither can run here.
/// </summary>
internal static class WindowsFakes
{
    public static CimRow Row(string className, params (string Name, object? Value)[] properties) =>
        new(className, properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>A CIM source answering queries that contain <c>key</c> with the rows, or throwing the failure.</summary>
    public static Mock<ICimQuery> Cim(params (string QueryPart, object Answer)[] answers)
    {
        var cim = new Mock<ICimQuery>(MockBehavior.Strict);
        foreach (var (part, answer) in answers)
        {
            var setup = cim.Setup(c => c.Query(It.IsAny<string>(), It.Is<string>(q => q.Contains(part, StringComparison.Ordinal))));
            if (answer is CimFailure failure) setup.Throws(new CimQueryException(failure, failure == CimFailure.AccessDenied ? "Access denied" : "Invalid class"));
            else setup.Returns((IReadOnlyList<CimRow>)answer);
        }
        return cim;
    }

    /// <summary>A registry holding <paramref name="values"/> (key, name, value); other keys do not exist.</summary>
    public static Mock<IRegistryReader> Registry(params (string Key, string Name, object Value)[] values)
    {
        var registry = new Mock<IRegistryReader>();
        registry.Setup(r => r.GetValue(It.IsAny<string>(), It.IsAny<string>()))
            .Returns((string key, string name) => values.FirstOrDefault(v => v.Key == key && v.Name == name).Value);
        registry.Setup(r => r.GetValueNames(It.IsAny<string>()))
            .Returns((string key) => values.Any(v => v.Key == key) ? values.Where(v => v.Key == key).Select(v => v.Name).ToList() : null);
        return registry;
    }

    /// <summary>A registry that refuses every read.</summary>
    public static Mock<IRegistryReader> DeniedRegistry()
    {
        var registry = new Mock<IRegistryReader>();
        registry.Setup(r => r.GetValue(It.IsAny<string>(), It.IsAny<string>())).Throws(new UnauthorizedAccessException(@"HKLM\SYSTEM: Requested registry access is not allowed."));
        registry.Setup(r => r.GetValueNames(It.IsAny<string>())).Throws(new UnauthorizedAccessException(@"HKLM\SYSTEM: Requested registry access is not allowed."));
        return registry;
    }
}
