using WeightGuard.Aggregator.Problems;

namespace WeightGuard.Aggregator.Attestation;

/// <summary>
/// A submission from an enrolled agent whose attestation does not hold: ingest records it as a refusal (so the host's
/// <c>untrusted</c> state has evidence behind it) and answers with <see cref="Problem"/>.
/// </summary>
/// <param name="check">What failed: <c>nonce</c>, <c>quote</c>, <c>event-log</c> or <c>attestation</c>.</param>
/// <param name="problem">The answer to the agent, naming what was expected and what was found.</param>
public sealed class AttestationRefusedException(string check, ProblemException problem) : Exception(problem.Message, problem)
{
    /// <summary>What failed.</summary>
    public string Check { get; } = check;

    /// <summary>The problem document's content.</summary>
    public ProblemException Problem { get; } = problem;
}
