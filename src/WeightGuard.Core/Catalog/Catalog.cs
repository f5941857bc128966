using System.Security.Cryptography;
using System.Text;

namespace WeightGuard.Core.Catalog;

/// <summary>A validated catalogue: controls, profiles and waivers. Built only by <see cref="CatalogLoader"/>.</summary>
public sealed class Catalog
{
    private readonly IReadOnlyDictionary<string, string> _sourceText;

    internal Catalog(IReadOnlyDictionary<string, ControlDefinition> controls, IReadOnlyDictionary<string, ProfileDefinition> profiles,
        IReadOnlyList<Waiver> waivers, IReadOnlyDictionary<string, string> sourceText, IReadOnlyList<ManualAttestation>? attestations = null)
    {
        Controls = controls;
        Profiles = profiles;
        Waivers = waivers;
        Attestations = attestations ?? [];
        _sourceText = sourceText;
    }

    /// <summary>Controls by id, in id order.</summary>
    public IReadOnlyDictionary<string, ControlDefinition> Controls { get; }

    /// <summary>Profiles by id, in id order.</summary>
    public IReadOnlyDictionary<string, ProfileDefinition> Profiles { get; }

    /// <summary>Waivers, in file order.</summary>
    public IReadOnlyList<Waiver> Waivers { get; }

    /// <summary>People's statements that manual controls hold, in the order given.</summary>
    public IReadOnlyList<ManualAttestation> Attestations { get; }

    /// <summary>The same controls and profiles with other waivers (e.g. a host's local waiver file).</summary>
    public Catalog WithWaivers(IReadOnlyList<Waiver> waivers) => new(Controls, Profiles, waivers, _sourceText, Attestations);

    /// <summary>The same controls, profiles and waivers with other manual attestations.</summary>
    public Catalog WithAttestations(IReadOnlyList<ManualAttestation> attestations) => new(Controls, Profiles, Waivers, _sourceText, attestations);

    /// <summary>Folds a profile's chain of parents into one list of controls with effective parameters.</summary>
    /// <exception cref="KeyNotFoundException">No profile has that id.</exception>
    public ResolvedProfile Resolve(string profileId)
    {
        if (!Profiles.TryGetValue(profileId, out var profile))
            throw new KeyNotFoundException($"unknown profile '{profileId}' (known: {string.Join(", ", Profiles.Keys)})");
        var chain = new List<ProfileDefinition>();
        for (var p = profile; p is not null; p = p.Extends is null ? null : Profiles[p.Extends]) chain.Insert(0, p);

        var controls = new List<ControlDefinition>();
        var parameters = new Dictionary<string, IReadOnlyDictionary<string, ParamValue>>(StringComparer.Ordinal);
        foreach (var p in chain)
            foreach (var id in p.Controls.Where(id => !parameters.ContainsKey(id)))
            {
                controls.Add(Controls[id]);
                parameters[id] = EffectiveDefaults(Controls[id]);
            }
        foreach (var p in chain)
            foreach (var (id, overrides) in p.Params)
            {
                var merged = new Dictionary<string, ParamValue>(parameters[id], StringComparer.Ordinal);
                foreach (var (name, value) in overrides) merged[name] = value;
                parameters[id] = merged;
            }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in chain.Select(p => p.Source.File).Concat(controls.Select(c => c.Source.File).Order(StringComparer.Ordinal)))
        {
            // The file's own name, not where it was loaded from: a bundle's catalog/ copy digests as the embedded one.
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(name) + "\n"));
            sha.AppendData(Encoding.UTF8.GetBytes(_sourceText[name]));
        }
        return new ResolvedProfile(profile, controls, parameters, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static Dictionary<string, ParamValue> EffectiveDefaults(ControlDefinition control)
    {
        var check = Checks.CheckRegistry.ByKind[control.Check.Kind];
        var values = check.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (var (name, value) in control.Check.Params) values[name] = value;
        return values;
    }
}
