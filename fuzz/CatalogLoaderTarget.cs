using System.Text;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Fuzz;

/// <summary><see cref="CatalogLoader.Load"/> with the input as a control file and as a profile; it reports problems, never throws.</summary>
[FuzzTarget("catalog-yaml")]
internal sealed class CatalogLoaderTarget : IFuzzTarget
{

    public void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        CatalogLoader.Load([new CatalogSource("controls/WG-FUZ-001.yaml", text)], []);
        CatalogLoader.Load([], [new CatalogSource("profiles/fuzz.yaml", text)]);
    }
}
