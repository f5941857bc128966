using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Storage;

/// <summary>A waiver an admin added at the aggregator, judged with alongside the catalogue's own.</summary>
/// <param name="WaiverId">Its id, for deleting it.</param>
/// <param name="ControlId">The control waived.</param>
/// <param name="HostPattern">Enrolled-name glob (<c>*</c> and <c>?</c>).</param>
/// <param name="Justification">Why the risk is accepted.</param>
/// <param name="Approver">The admin who added it.</param>
/// <param name="Expires">Last day (UTC) it holds.</param>
/// <param name="CreatedAt">When it was added; judgements made before ignore it.</param>
/// <param name="WithdrawnAt">When an admin withdrew it, or null; judgements made from then on ignore it, earlier ones keep it.</param>
public sealed record StoredWaiver(Guid WaiverId, string ControlId, string HostPattern, string Justification, string Approver, DateOnly Expires,
    DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt = null)
{
    /// <summary>Labels a host must also carry to be covered.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The waiver as the evaluator takes it.</summary>
    public Waiver ToWaiver() => new()
    {
        ControlId = ControlId, HostPattern = HostPattern, Labels = Labels, Justification = Justification, Approver = Approver, Expires = Expires,
        Source = new SourceLocation($"aggregator waiver {WaiverId}", 0), RecordedAt = CreatedAt, WithdrawnAt = WithdrawnAt, Id = WaiverId.ToString(),
    };
}
