using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// The data-protection key ring in the aggregator's database, so that every instance on it (and the same instance after
/// a restart) reads and writes one ring. The key manager calls this synchronously and rarely (at start, on a key ring
/// refresh, when it makes a key), so the store's calls are awaited here.
/// </summary>
public sealed class DatabaseXmlRepository(IAggregatorStore store, TimeProvider time) : IXmlRepository
{
    /// <inheritdoc/>
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.DataProtectionElementsAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

    /// <inheritdoc/>
    public void StoreElement(XElement element, string friendlyName) =>
        // The friendly name is "key-GUID" for a key; a unique suffix keeps revocations and any repeat apart.
        store.AddDataProtectionElementAsync($"{friendlyName}:{Guid.NewGuid():N}", element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow())
            .GetAwaiter().GetResult();
}
