using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>A control a person must attest (an organisational measure no agent can observe): always <c>manual</c>.</summary>
public sealed class ManualCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The kind name: the one kind that never errs, so its controls need no error guidance.</summary>
    public const string KindName = "manual";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("procedure", ParamType.String, ParamValue.Of("Attest this control by hand."), "What the person attesting the control checks."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context) => new(ControlStatus.Manual, context.String("procedure"), []);
}
