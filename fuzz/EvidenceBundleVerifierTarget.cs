using WeightGuard.Evidence;

namespace WeightGuard.Fuzz;

/// <summary><see cref="EvidenceBundleVerifier.Verify"/> on the input as a bundle; defects are problems, never exceptions.</summary>
[FuzzTarget("evidence-bundle")]
internal sealed class EvidenceBundleVerifierTarget : IFuzzTarget
{

    public void Run(byte[] input) => EvidenceBundleVerifier.Verify(new MemoryStream(input), trust: null);
}
