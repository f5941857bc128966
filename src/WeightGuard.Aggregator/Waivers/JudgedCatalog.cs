using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Waivers;

/// <summary>
/// The catalogue as the aggregator judges now: the loaded catalogue's controls, profiles and waivers plus the waivers
/// admins stored. Ingest, the host page and the evidence export all judge with this, so they agree.
/// </summary>
public sealed class JudgedCatalog(Catalog catalog, IAggregatorStore store)
{
    /// <summary>The catalogue with the stored waivers after its own.</summary>
    public async Task<Catalog> CurrentAsync(CancellationToken cancel)
    {
        var stored = await store.ListWaiversAsync(cancel);
        return stored.Count == 0 ? catalog : catalog.WithWaivers([.. catalog.Waivers, .. stored.Select(w => w.ToWaiver())]);
    }
}
