using System.Runtime.Versioning;
using Microsoft.Management.Infrastructure;
using Microsoft.Management.Infrastructure.Options;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// <see cref="ICimQuery"/> over Microsoft.Management.Infrastructure on the local host. Queries in
/// <c>root\StandardCimv2</c> ask for the ActiveStore policy store, so firewall settings are the ones in force (local
/// and Group Policy merged), not only the local persistent store.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class CimQuery : ICimQuery
{
    /// <inheritdoc />
    public IReadOnlyList<CimRow> Query(string cimNamespace, string wql)
    {
        try
        {
            using var session = CimSession.Create(null);
            using var options = new CimOperationOptions();
            if (string.Equals(cimNamespace, WindowsFirewallCollector.Namespace, StringComparison.OrdinalIgnoreCase)) options.SetCustomOption("PolicyStore", "ActiveStore", false);
            var rows = new List<CimRow>();
            foreach (var instance in session.QueryInstances(cimNamespace, "WQL", wql, options))
            {
                using (instance)
                    rows.Add(new CimRow(instance.CimSystemProperties.ClassName,
                        instance.CimInstanceProperties.ToDictionary(p => p.Name, p => (object?)p.Value, StringComparer.OrdinalIgnoreCase)));
            }
            return rows;
        }
        catch (CimException e)
        {
            var failure = e.NativeErrorCode switch
            {
                NativeErrorCode.AccessDenied => CimFailure.AccessDenied,
                NativeErrorCode.InvalidNamespace or NativeErrorCode.InvalidClass or NativeErrorCode.NotFound => CimFailure.NotFound,
                _ => CimFailure.Failed,
            };
            throw new CimQueryException(failure, $"{cimNamespace}: {e.Message}");
        }
    }
}
