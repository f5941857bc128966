using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("WeightGuard.Tpm.Tests")]
