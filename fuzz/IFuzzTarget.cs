namespace WeightGuard.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input and catches only the exceptions the parser documents
/// for bad input; anything else escaping is a crash for AFL to save. A target is created inside the fuzzing loop (the
/// instrumented assemblies may run only there), so its constructor may use them.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>Parses <paramref name="input"/>.</summary>
    void Run(byte[] input);
}

/// <summary>Names a target on the command line and its seeds, <c>corpus/NAME/</c>.</summary>
/// <param name="name">The name.</param>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class FuzzTargetAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
