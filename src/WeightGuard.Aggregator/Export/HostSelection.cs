using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Export;

/// <summary>
/// Which hosts an export covers, as people name them: an enrolled host name (any case), a glob over enrolled names
/// (<c>gpu-train-*</c>, <c>?</c> for one character), <c>label=LABEL</c> or a label written with its value
/// (<c>role=inference</c>), <c>profile=ID</c> (hosts judged against that profile), or an agent id. A host is exported when any term selects it; a term that selects nothing is
/// refused, so a typing error never yields a silently smaller bundle.
/// </summary>
public sealed class HostSelection
{
    private const string ProfilePrefix = "profile=";
    private const string LabelPrefix = "label=";
    private const int MaxTerms = 1000;
    private readonly IReadOnlyList<string> _terms;

    private HostSelection(IReadOnlyList<string> terms) => _terms = terms;

    /// <summary>The terms, trimmed, empty ones dropped; none selects every enrolled host.</summary>
    /// <exception cref="ArgumentException">More than 1,000 terms, a term over 256 characters or with a control character, or <c>profile=</c> without an id.</exception>
    public static HostSelection Parse(IEnumerable<string> terms)
    {
        var list = terms.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxTerms) throw new ArgumentException($"at most {MaxTerms} host names, globs, labels or profiles at once");
        foreach (var term in list)
        {
            if (term.Length > 256 || term.Any(char.IsControl)) throw new ArgumentException("a host term is at most 256 printable characters");
            if (term is ProfilePrefix or LabelPrefix) throw new ArgumentException($"'{term}' needs a value, e.g. profile=rand-sl3 or label=training");
        }
        return new HostSelection(list);
    }

    /// <summary>The agent ids selected, walking the enrolled hosts a page at a time.</summary>
    /// <exception cref="ArgumentException">A term selects no host (named in the message).</exception>
    public async Task<IReadOnlyList<string>> ResolveAsync(IAggregatorStore store, CancellationToken cancel)
    {
        var matched = new bool[_terms.Count];
        var selected = new SortedSet<string>(StringComparer.Ordinal);
        var seen = 0;
        HostPage page;
        do
        {
            page = await store.ListHostsAsync(new HostQuery(Offset: seen), cancel);
            seen += page.Hosts.Count;
            foreach (var host in page.Hosts)
            {
                if (_terms.Count == 0) selected.Add(host.AgentId);
                for (var i = 0; i < _terms.Count; i++)
                    if (Selects(_terms[i], host)) { matched[i] = true; selected.Add(host.AgentId); }
            }
        } while (page.Hosts.Count > 0 && seen < page.Total);
        var unmatched = _terms.Where((_, i) => !matched[i]).ToList();
        if (unmatched.Count > 0)
            throw new ArgumentException($"no enrolled host, agent id, label or profile matches {string.Join(", ", unmatched.Select(t => $"'{t}'"))}");
        return selected.ToList();
    }

    private static bool Selects(string term, HostRow host)
    {
        if (term.StartsWith(ProfilePrefix, StringComparison.Ordinal))
            return host.Assessments.Any(a => string.Equals(a.Profile, term[ProfilePrefix.Length..], StringComparison.Ordinal));
        if (term.StartsWith(LabelPrefix, StringComparison.Ordinal)) return host.Labels.Contains(term[LabelPrefix.Length..], StringComparer.Ordinal);
        if (term.Contains('=')) return host.Labels.Contains(term, StringComparer.Ordinal);
        if (term.AsSpan().IndexOfAny('*', '?') >= 0) return Glob.IsMatch(term, host.Hostname);
        return string.Equals(term, host.AgentId, StringComparison.Ordinal) || string.Equals(term, host.Hostname, StringComparison.OrdinalIgnoreCase);
    }
}
