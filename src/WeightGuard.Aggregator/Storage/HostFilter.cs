namespace WeightGuard.Aggregator.Storage;

/// <summary>Which hosts the dashboard shows; a null field admits any host.</summary>
/// <param name="Profile">Hosts whose latest report was judged against this profile.</param>
/// <param name="Level">Hosts whose latest report achieved this RAND level (<c>SL0</c>…<c>SL5</c>).</param>
/// <param name="Label">Hosts carrying this label.</param>
/// <param name="State">Hosts in this <see cref="HostState"/>.</param>
public sealed record HostFilter(string? Profile = null, string? Level = null, string? Label = null, string? State = null);
