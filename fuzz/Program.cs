using System.Reflection;
using SharpFuzz;
using WeightGuard.Fuzz;

// Targets are found by their attribute, so that adding one is adding its file; none is created before it is needed.
var targets = typeof(IFuzzTarget).Assembly.GetTypes()
    .Where(t => t.GetCustomAttribute<FuzzTargetAttribute>() is not null && typeof(IFuzzTarget).IsAssignableFrom(t))
    .ToDictionary(t => t.GetCustomAttribute<FuzzTargetAttribute>()!.Name, StringComparer.Ordinal);

IFuzzTarget Create(string name) => targets.TryGetValue(name, out var type) ? (IFuzzTarget)Activator.CreateInstance(type, nonPublic: true)!
    : throw new ArgumentException($"unknown target '{name}' (known: {string.Join(", ", targets.Keys.Order(StringComparer.Ordinal))})");

switch (args)
{
    case ["list"]:
        foreach (var name in targets.Keys.Order(StringComparer.Ordinal)) Console.WriteLine(name);
        return 0;
    case ["afl", var name]:
        if (!targets.ContainsKey(name)) throw new ArgumentException($"unknown target '{name}'");
        // Under afl-fuzz: each input arrives on standard input; an escaping exception or a stack overflow is a crash.
        IFuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= Create(name);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    case ["replay", var name, var file]:
        Create(name).Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: no crash");
        return 0;
    default:
        Console.Error.WriteLine($"usage: {Assembly.GetExecutingAssembly().GetName().Name} list | afl TARGET | replay TARGET FILE");
        return 2;
}
