using System.Text;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Fuzz;

/// <summary><see cref="CatalogLoader.LoadWaivers"/> against the shipped catalogue; it reports problems, never throws.</summary>
[FuzzTarget("waivers")]
internal sealed class WaiversTarget : IFuzzTarget
{
    private readonly Catalog _catalog = EmbeddedCatalog.Load(typeof(WaiversTarget).Assembly).Catalog
        ?? throw new InvalidOperationException("the shipped catalogue does not load");


    public void Run(byte[] input) => CatalogLoader.LoadWaivers(new CatalogSource("waivers.yaml", Encoding.UTF8.GetString(input)), _catalog);
}
